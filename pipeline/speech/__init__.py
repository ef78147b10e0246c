"""Who is quoted or cited in Vietnamese news, one concern a module.

- names: person names, surnames, places, gender, and underthesea's NER tagger;
- cues: speech verbs, quotation marks and sentences -> the cues of a paragraph (direct, indirect, "Theo X, ...");
- slot: which words before a speech verb can name the speaker (the name before its appositions);
- speakers: the speaker named in the words of a cue, resolved against what the article said before;
- interview: interview answers, after the answerer's name or after a question, by the interviewee;
- quotes: cues and speakers over a corpus -> one row a quote; actors counted per theme and per group.

A package rather than one module because each of these is a tool in its own right (person_names is used on its
own to anchor short names) and the attribution rules are easier to review, and test, one concern at a time.
"""
