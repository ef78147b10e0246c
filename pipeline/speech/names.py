"""Vietnamese person names in running text: surnames, the places that look like names, gender from an honorific
or a middle name, and underthesea's offline NER tagger for the names the patterns miss."""
from __future__ import annotations

import regex

# The commonest Vietnamese surnames (together well over 95% of the population); a name is one of these and one
# to three more capitalised syllables.
SURNAMES = ("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đào Trương Lâm Mai Trịnh "
            "Đoàn Lương Cao Hà Tô Tạ Chu Thái Lưu Kiều Tăng La Quách Triệu Vương Phùng Doãn Khuất Nghiêm Lại Âu "
            "Hứa Đàm Từ Tống Giang Châu Mạc Thân Phí Quan Lò Hầu Nông Bạch Đồng Lã Lục Diệp Kim Tôn Văn Khổng "
            "Ninh Trình Thạch Viên Lữ Mẫn Cù Khúc Đường Lạc Yên Hàn Ngọc Trang "
            # round 7: Chinese surnames read in Vietnamese ("Tần Cương", "Ôn Gia Bảo", "Tập Cận Bình")
            "Tần Ôn Tập Khương Mao Tưởng").split()
# Capitalised runs that begin with a surname but name a place (or a person used as a place name).
PLACES = {"Hà Nội", "Hà Giang", "Hà Tĩnh", "Hà Nam", "Hà Đông", "Cao Bằng", "Thái Bình", "Thái Nguyên", "Lâm Đồng",
          "Đồng Nai", "Đồng Tháp", "Đồng Hới", "Châu Đốc", "Lý Sơn", "Mai Châu", "Hồ Tây", "Hồ Gươm", "Hoàng Mai",
          "Lương Sơn", "Kim Bôi", "Đông Anh", "Thạch Thất", "Hoàng Kiếm", "Kim Mã", "Cao Lãnh", "Tây Hồ", "Hà Tây",
          "Đồng Xoài", "Đồng Văn", "Văn Miếu", "Giang Võ", "Hàn Quốc", "Mỹ Đình", "Hòa Lạc", "Lạc Long Quân",
          "Trang Hạ", "Ngọc Hồi", "Đào Tấn", "Trần Duy Hưng", "Thái Lan", "Ninh Bình", "Ninh Thuận", "Lào Cai",
          "Lai Châu", "Trà Vinh", "Sơn La", "Kim Ngưu", "Ông Ích Khiêm", "Hồ Chí Minh", "Yên Bái",
          "Thái Bình Dương",  # round 13: the Pacific ("Đông Á - Thái Bình Dương"), not the province and a surname
          "Nhà Trắng", "Lầu Năm Góc", "Điện Kremlin"}  # round 14: bodies named by a landmark, glued before a name
# countries, which the NER tagger sometimes takes for persons ("Ai Cập") or glues to one ("Mỹ Bush")
COUNTRIES = ("Việt Nam", "Mỹ", "Hoa Kỳ", "Trung Quốc", "Nhật Bản", "Nhật", "Hàn Quốc", "Triều Tiên", "Nga", "Pháp",
             "Đức", "Anh", "Ý", "Italy", "Tây Ban Nha", "Ấn Độ", "Thái Lan", "Lào", "Campuchia", "Singapore",
             "Malaysia", "Indonesia", "Philippines", "Australia", "Úc", "Canada", "Iraq", "Iran", "Israel",
             "Ai Cập", "Afghanistan", "Sri Lanka", "Pakistan", "Đài Loan", "Hồng Kông", "Brazil", "Ukraine", "Cuba",
             # round 5: more of the countries foreign news names before a person ("Bộ trưởng Kinh tế Áo Martin
             # Bartenstein", "Ngoại trưởng Myanmar U Khin Maung Win"), so that the tagger's run loses them
             "Myanmar", "Miến Điện", "Palestine", "Thổ Nhĩ Kỳ", "Syria", "Liban", "Lebanon", "Ả Rập Xê Út",
             "Hy Lạp", "Bồ Đào Nha", "Hà Lan", "Bỉ", "Thụy Sĩ", "Thụy Điển", "Na Uy", "Nauy", "Đan Mạch", "Phần Lan",
             "Ba Lan", "Séc", "Hungary", "Áo", "Mexico", "Argentina", "Chile", "Colombia", "Venezuela", "Nam Phi",
             "Nigeria", "Kenya", "Mông Cổ", "Nepal", "Bangladesh", "New Zealand", "Kuwait", "Qatar", "Libya",
             "Sudan", "Ireland", "Scotland", "Serbia", "Croatia", "Romania", "Bulgaria", "Belarus", "Kazakhstan",
             "Đông Timor", "Brunei", "Zimbabwe", "Ethiopia", "Somalia", "Yemen", "Bolivia", "Peru", "Ecuador",
             "Uruguay", "Paraguay", "Cameroon", "Senegal", "Ghana", "Angola", "Tunisia", "Algeria", "Maroc",
             "Slovakia", "Slovenia", "Estonia", "Latvia", "Litva", "Iceland", "Jamaica", "Haiti",
             # round 14: the UN member states it lacked ("HLV trưởng U23 Uzbekistan Sergey Kovshov"), leaving out
             # those that are also given names or words ("Jordan", "Georgia", "Chad", "Mali", "Niger", "Oman")
             "Uzbekistan", "Tajikistan", "Turkmenistan", "Kyrgyzstan", "Azerbaijan", "Armenia", "Moldova",
             "Lithuania", "Macedonia", "Bosnia", "Albania", "Montenegro", "Luxembourg", "Monaco", "Malta", "Síp",
             "Cyprus", "Bahrain", "UAE", "Saudi Arabia", "Bhutan", "Maldives", "Zambia", "Uganda", "Tanzania",
             "Rwanda", "Congo", "Sierra Leone", "Liberia", "Bờ Biển Ngà", "Togo", "Benin", "Gabon", "Namibia",
             "Botswana", "Mozambique", "Madagascar", "Mauritius", "Guatemala", "Honduras", "Nicaragua",
             "El Salvador", "Costa Rica", "Panama", "Trinidad và Tobago", "Fiji", "Papua New Guinea",
             "Bosnia và Herzegovina", "Liechtenstein", "Andorra", "San Marino", "Eritrea", "Djibouti", "Burundi",
             "Malawi", "Lesotho", "Swaziland", "Guinea", "Gambia", "Mauritania", "Cape Verde", "Suriname",
             "Guyana", "Belize", "Bahamas", "Barbados", "Samoa", "Tonga", "Vanuatu",
             # round 18 (U): the usual Vietnamese spelling of Ukraine ("đương kim thủ tướng Ukraina tuyên bố")
             "Ukraina")
# round 10: the provinces and centrally run cities (and Hà Tây, merged in 2008), whose last syllable a name run
# may begin with ("HLV phó của Thép Pomina Tiền Giang Văn Rạng" is Văn Rạng), both tone-mark placements
PROVINCES = ("An Giang", "Bà Rịa", "Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
             "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng", "Đà Nẵng",
             "Đắk Lắk", "Đắc Lắc", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam",
             "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hoà Bình", "Hưng Yên",
             "Khánh Hòa", "Khánh Hoà", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai",
             "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình",
             "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình",
             "Thái Nguyên", "Thanh Hóa", "Thanh Hoá", "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang",
             "Vĩnh Long", "Vĩnh Phúc", "Yên Bái", "Hà Tây", "Hồ Chí Minh", "Sài Gòn")
# round 10: countries and regions as Vietnamese transliterates them, which a name run may begin with ("Tổng thống
# Ápganixtan Hamid Kazai", "Liên đoàn Ảrập Amr Moussa"); the forms in COUNTRIES are not repeated
TRANSLITERATED = ("Ápganixtan", "Ápganistan", "Ảrập", "Ả Rập", "A Rập", "Arập", "Ả-rập", "Ả Rập Xêút", "Irắc",
                  "I-rắc", "Iraq", "I-ran", "Ixraen", "I-xra-en", "Palextin", "Pa-le-xtin", "Xyri", "Xi-ri",
                  "Libăng", "Li-băng", "Gioócđani", "Gioóc-đa-ni", "Pakixtan", "Pa-ki-xtan", "Inđônêxia",
                  "In-đô-nê-xi-a", "Malaixia", "Ma-lai-xi-a", "Xingapo", "Xin-ga-po", "Philíppin", "Phi-líp-pin",
                  "Ôxtrâylia", "Ô-xtrây-li-a", "Mêhicô", "Mê-hi-cô", "Achentina", "Ác-hen-ti-na", "Braxin",
                  "Bra-xin", "Vênêxuêla", "Vê-nê-xu-ê-la", "Côlômbia", "Cô-lôm-bi-a", "Ucraina", "U-crai-na",
                  "Bêlarút", "Bê-la-rút", "Cadắcxtan", "Ca-dắc-xtan", "Udơbêkixtan", "Nam Tư", "Tiệp Khắc", "Ai-len",
                  "Niu Dilân", "Cô-oét", "Côoét", "Ca-ta", "Libi", "Li-bi", "Xuđăng", "Xu-đăng", "Xômali",
                  "Ê-ti-ô-pi-a", "Kênia", "Nigiêria", "Ni-giê-ri-a", "Angiêri", "An-giê-ri", "Tuynidi", "Marốc",
                  "Bồ Đào Nha", "Tây Ban Nha", "Thổ Nhĩ Kỳ", "Hy Lạp", "Nam Triều Tiên", "Bắc Triều Tiên",
                  "Liên Xô", "Đông Đức", "Tây Đức", "Trung Đông", "Đông Nam Á", "Châu Âu", "Châu Á", "Châu Phi",
                  "Bắc Mỹ", "Nam Mỹ", "Mỹ Latinh")
PLACE_CUES = r"(?:TP\.?|Tp\.?|[Tt]hành phố|[Tt]ỉnh|[Qq]uận|[Hh]uyện|[Pp]hường|[Xx]ã|[Đđ]ường|[Pp]hố|[Ss]ông|[Hh]ồ|[Cc]ầu|" \
             r"[Kk]hu|[Ll]àng|[Tt]hôn|[Ấấ]p|[Xx]óm|[Tt]hị xã|[Tt]hị trấn|[Vv]ùng|[Cc]hợ|[Bb]ến|[Cc]ảng|[Đđ]ảo|[Nn]úi|[Cc]ông viên|[Tt]ại|" \
             r"(?<!(?:[Mm]ôi|[Tt]hị|[Cc]hiến|[Hh]iện|[Qq]uảng|[Nn]ông|[Cc]ông|[Ll]ập|[Tt]hương|[Pp]hi) )[Tt]rường|" \
             r"THPT|THCS|PTTH|PTCS|[Tt]iểu học|[Mm]ầm non)"
# schools are named after people ("Trường THPT Võ Thị Sáu"); "trường" is no school in "môi trường", "thị trường" ...
# "H.Dương Minh Châu", "Q.Hoàn Kiếm": huyện and quận abbreviated, often with no space after the dot
AFTER_PLACE_CUE = regex.compile(rf"(?:(?<!\p{{L}}){PLACE_CUES}\s+|(?<![\p{{L}}.])(?:H|Q|TX|TT)\.\s*)$")
# "UBND thành phố Lê Hồng Sơn", "Chánh Thanh tra TP Hoàng Đức Long": an office (a capitalised word before the
# administrative unit) and its holder, not a place named after a person
ORG_BEFORE_PLACE = regex.compile(r"(?:UBND|HĐND|[Ủủ]y ban nhân dân|[Hh]ội đồng nhân dân|\p{Lu}[\p{L}\-]*"
                                 r"(?:\s+(?!(?:tại|ở|về|từ|đến|tới|ra|vào|qua|khắp|cả|sống)\s)\p{Ll}+){0,2})\s+"
                                 r"(?:TP\.?|Tp\.?|[Tt]hành phố|[Tt]ỉnh|[Qq]uận|[Hh]uyện|[Pp]hường|[Xx]ã|[Tt]hị xã)\s+$")
HONORIFIC = r"(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị)"
HONORIFIC_AT_END = regex.compile(rf"({HONORIFIC})\s*$")
FEMALE, MALE = "f", "m"
SYLLABLE = r"\p{Lu}\p{Ll}+"
# round 7: a syllable may carry a lower-case hyphenated part, as Korean given names do ("Kim Hoon-soo", "Roh
# Moo-hyun"): the run is not cut at the hyphen (ASCII only, so "Burns-đã" stays cut)
NAME_SYLLABLE = rf"{SYLLABLE}(?:-[a-z]{{2,}}(?![\p{{L}}\d\-]))?"
CAP_RUN = regex.compile(rf"(?<![\p{{L}}\d]){NAME_SYLLABLE}(?:\s+{NAME_SYLLABLE})*(?![\p{{L}}\d\-])")


# a name as written after "ông"/"bà", foreign ones included: "ông Ichikawa", "Ông Bob Bird", "ông J.T.Wang"
# ("Roe Jung-hye", but "Louis Burns-đã từng": a dash, then Vietnamese; "ông Xuân. Nhưng" is a sentence end, "J." an initial)
CAP_WORD = r"\p{Lu}\p{L}*(?:\.\p{Lu}\p{L}*|-\p{Lu}\p{L}*|-[a-z]+(?![\p{L}]))*(?:(?<=(?<![\p{L}.])\p{Lu})\.)?"
# (round 6: a dash glued to a Vietnamese word ends the name: "Ông Louis Burns-đã từng đưa ra nhận định")
HONORIFIC_NAME = regex.compile(rf"(?<!\p{{L}})(?:[Ôô]ng|[Bb]à)\s+(?P<name>{CAP_WORD}(?:\s+{CAP_WORD}){{0,3}})"
                               r"(?![\p{L}.]|-(?!\p{Ll}{1,7}(?!\p{L})))")


# the shape of one Vietnamese syllable: initial consonant, one to three vowels, final consonant
VN_SYLLABLE = regex.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
                            r"[aăâeêioôơuưy\p{M}àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]{1,3}"
                            r"(?:ng|nh|ch|[cmnpt])?", regex.I)
# words that may stand capitalised before a foreign surname and are not a given name ("Theo Schaeuble")
NOT_GIVEN_NAME = {"Theo", "Ông", "Bà", "Anh", "Chị", "Ngài", "Còn", "Và", "Nhưng", "Song", "Giáo", "Tiến", "Nhà",
                  "Tổng", "Thủ", "Bộ", "Chủ", "Phó", "Tuy", "Khi", "Sau", "Trước", "Với", "Cũng", "Đại", "Tại",
                  "Rồi", "Vậy", "Thế", "Nên", "Mà", "Nếu", "Dù", "Vì"}  # round 8: conjunctions opening a sentence
# a capitalised word of a foreign name: letters, maybe hyphenated ("Ahdieh-Grant", "Shuaib-Ud"), never an acronym
FOREIGN_WORD = r"\p{Lu}\p{Ll}+(?:-\p{Lu}?\p{Ll}+)*"
# round 8: the lower-case particles of Arabic, Dutch, German, Romance names inside a name, never first: "Hamid
# al-Bayati", "Ruud van Nistelrooy", "Luiz da Silva"
NAME_PARTICLE = r"(?:(?:al|el)-(?=\p{Lu})|(?:van|von|der|den|de|di|da|do|dos|das|du|del|della|bin|ibn)\s+(?=\p{Lu}))"
# (a run followed by a number is a product or a model: "Long March 4-B", "Windows 95")
FOREIGN_RUN = regex.compile(rf"(?<![\p{{L}}\d.\-]){FOREIGN_WORD}(?:\s+{NAME_PARTICLE}?{FOREIGN_WORD}){{1,4}}(?![\p{{L}}\d\-])(?!\s*\d)")
# a run after these names a body, a title, a medium, a team or a place, not a person
NOT_A_PERSON_CUE = regex.compile(r"(?<!\p{L})(?:công ty|hãng|tập đoàn|tổ chức|cơ quan|ngân hàng|doanh nghiệp|trang web|"
                                 r"website|tờ|báo|đài|tạp chí|viện|đại học|trường|bệnh viện|trung tâm|đội|câu lạc bộ|CLB|"
                                 r"giải|sân|phim|bộ phim|tác phẩm|sách|cuốn|bang|nước|thủ đô|tại|ở|đến|từ|tới|sang|"
                                 r"có tên|tên là|mang tên|vệ tinh|tên lửa|tàu|chương trình|dự án|sản phẩm|hệ thống|"
                                 r"phần mềm|dòng|thương hiệu|nhãn hiệu|khách sạn|sân bay|hội thảo|hội nghị|triển lãm)\s+$",
                                 regex.I)


# round 19 (I): "G.Ferrara", "D. Drogba": one capital, a dot, a capitalised surname (not followed by another name word)
INITIAL_NAME = regex.compile(r"(?<![\p{L}\d.])\p{Lu}\.\s?(?P<surname>\p{Lu}[\p{Ll}\-]+)(?![\p{L}\d.])(?!\s+\p{Lu}\p{Ll})")


def foreign_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of names that are not Vietnamese: two to four capitalised words, one at least no
    Vietnamese syllable ("Tony Blair", "Wolfang Laib", "Kenneth Lay"), after the Vietnamese words that run into
    them ("Thủ tướng Anh Tony Blair", "Liên Hiệp Quốc Kofi Annan"); not after a body's, a medium's or a place's
    noun, nor a listed country or place. Mentions only: a later "ông" or surname resolves to them."""
    out = []
    for m in FOREIGN_RUN.finditer(text):
        words, start = m.group().split(), m.start()
        if len(words) > 2 and regex.search(r"(?<!\p{L})của\s+$", text[:start]):  # "HLV của Chelsea Jose Mourinho"
            start = text.index(words[1], start + len(words[0]))
            words = words[1:]
        opens = not text[:start].strip() or bool(regex.search(r"[.!?:;“\"(\-–—]\s*$", text[:start]))
        # "Theo Schaeuble", "Nhưng Cheney", "Ông Mukai": a word capitalised by position or a function word is no given name
        while len(words) > 1 and (words[0] in NOT_GIVEN_NAME or words[0] in COUNTRIES or (
                VN_SYLLABLE.fullmatch(words[0]) and (len(words) > 2 or opens))):
            opens = False
            start = text.index(words[1], start + len(words[0]))
            words = words[1:]
        if len(words) > 2 and AFTER_PLACE_CUE.search(text[max(0, start - 40):start]) and \
                not VN_SYLLABLE.fullmatch(words[1]):
            # round 6: "thành phố Matxcơva Yuri Popov": the place's one-word name, then a person's
            start = text.index(words[1], start + len(words[0]))
            words = words[1:]
        name = " ".join(words)
        if len(words) < 2 or all(VN_SYLLABLE.fullmatch(w) for w in words) or name in PLACES or name in COUNTRIES or \
                any(w in COUNTRIES for w in words) or NOT_A_PERSON_CUE.search(text[max(0, start - 30):start]) or \
                AFTER_PLACE_CUE.search(text[max(0, start - 40):start]):
            continue
        out.append((start, m.end(), name))
    # round 19 (I): a given name's initial glued to a foreign surname ("G.Ferrara", "D.Drogba", "H.Chavez"); never a
    # Vietnamese syllable after the dot, since "H.", "Q.", "P." also abbreviate huyện, quận, phường ("H.Củ Chi")
    for m in INITIAL_NAME.finditer(text):
        if VN_SYLLABLE.fullmatch(m.group("surname")) or m.group("surname") in COUNTRIES or \
                any(s <= m.start() < e for s, e, _ in out) or AFTER_PLACE_CUE.search(text[max(0, m.start() - 40):m.start()]):
            continue
        before = regex.search(r"(\p{Lu}\p{Ll}[\p{L}\-]*)\s+$", text[:m.start()])
        if before and before.group(1) not in COUNTRIES and not VN_SYLLABLE.fullmatch(before.group(1).lower()):
            continue  # "George W. Bush": a middle initial of a name the run above reads (or leaves) whole
        out.append((m.start(), m.end(), m.group().replace(" ", "")))
    return sorted(out)


def honorific_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of the names written after ông/bà, whatever their origin (not places: "ông Hà Nội")."""
    out = []
    for m in HONORIFIC_NAME.finditer(text):
        name = m.group("name").rstrip(".")
        if name not in PLACES and not any(" ".join(name.split()[:k]) in PLACES for k in (2, 3)):
            out.append((m.start("name"), m.start("name") + len(name), name))
    return out


def _word_spans(text: str, run: regex.Match) -> list[tuple[int, int]]:
    spans, pos = [], run.start()
    for w in run.group().split():
        start = text.index(w, pos)
        spans.append((start, start + len(w)))
        pos = start + len(w)
    return spans


def _is_place(rest: list[str], before: str) -> bool:
    """A listed place ("Hà Nội", also at the head of a longer run) or a run right after a place word."""
    if " ".join(rest) in PLACES or any(" ".join(rest[:k]) in PLACES for k in (2, 3)):
        return True
    return bool(AFTER_PLACE_CUE.search(before)) and not ORG_BEFORE_PLACE.search(before)


def person_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of Vietnamese full names in text: within each run of capitalised syllables, the
    first surname whose remainder is 2-4 syllables and not a place ("Hà Nội Bùi Thị Minh Hoài" -> Bùi Thị
    Minh Hoài; "Tiền Giang Nguyễn Văn Khang" -> Nguyễn Văn Khang); runs right after a place word (thành phố, tỉnh, đường...) are places."""
    out = []
    for m in CAP_RUN.finditer(text):
        words = m.group().split()
        spans = _word_spans(text, m)
        # a run right after a place word is the place's name ("trường tiểu học Trần Văn Đang"): a name inside it
        # begins later and keeps three syllables ("Trường Lê Quý Đôn Nguyễn Văn A")
        after_cue = bool(AFTER_PLACE_CUE.search(text[max(0, m.start() - 40):m.start()]))
        for i, w in enumerate(words):
            rest = words[i:]
            if w not in SURNAMES or not 2 <= len(rest) <= 4 or (after_cue and i > 0 and len(rest) < 3):
                continue
            if _is_place(rest, text[max(0, spans[i][0] - 40):spans[i][0]]):
                continue
            # "Sở NN-PTNT Tiền Giang Nguyễn Văn Khang": the run began with a place or an organisation whose last
            # syllable is a surname; the name is the later surname that leaves a full name of three syllables
            later = [j for j in range(i + 1, len(words) - 2) if words[j] in SURNAMES] if i > 0 else []
            if later:
                i, rest = later[0], words[later[0]:]
            end, name = spans[-1][1], " ".join(rest)
            initial = TRAILING_INITIAL.match(text, end)
            if initial and len(rest) == 2:  # round 11: "Anh Nguyễn Văn D. (ấp 5) cho biết": the initial is the name's end
                end, name = initial.end(), f"{name} {initial.group(1)}."
            out.append((spans[i][0], end, name))
            break
    return out


# a given name written as its initial after a surname and a middle name ("Nguyễn Văn D.", "Trần Thị H.")
TRAILING_INITIAL = regex.compile(r"\s+(\p{Lu})\.(?![\p{L}\d])")


def honorific_before(text: str) -> str | None:
    """The honorific that ends text ("... bà" before "Bùi Thị An"), if any."""
    m = HONORIFIC_AT_END.search(text)
    return m.group(1) if m else None


def gender_of(name: str, honorific: str | None = None) -> str | None:
    """From the honorific (bà, chị / ông, anh), else from a middle name (Thị / Văn); None when neither says."""
    if honorific:
        h = honorific.lower()
        if h in ("bà", "chị"):
            return FEMALE
        if h in ("ông", "anh"):
            return MALE
    parts = name.split()
    if "Thị" in parts[1:-1]:
        return FEMALE
    if "Văn" in parts[1:-1]:
        return MALE
    return None


_NER = None


def ner_entities(text: str) -> list[tuple[str, str]]:
    """(type, text) entities from underthesea's offline NER tagger (CRF; no download), loaded once a process."""
    global _NER
    if _NER is None:
        from underthesea import ner

        _NER = ner
    out: list[tuple[str, str]] = []
    for item in _NER(text):
        word, tag = item[0], item[-1]
        if tag.startswith("B-"):
            out.append((tag[2:], word))
        elif tag.startswith("I-") and out and out[-1][0] == tag[2:]:
            out[-1] = (out[-1][0], f"{out[-1][1]} {word}")
    return out


# round 10: multi-word places whose tail a name may begin inside, and one-word countries no Vietnamese syllable;
# indexed by the word a name would begin with (a place's first word, or any later one), longest place first
_GAZETTEER = sorted({*PROVINCES, *TRANSLITERATED, *COUNTRIES, *PLACES}, key=len, reverse=True)
_BY_FIRST_WORD: dict[str, list[tuple[list[str], int]]] = {}
for _place in _GAZETTEER:
    _parts = _place.split()
    for _cut in range(len(_parts)):
        _BY_FIRST_WORD.setdefault(_parts[_cut], []).append((_parts, _cut))


def strip_place(name: str, before: str) -> str:
    """A speaker's name without the place it was glued to (round 10): the country or province it begins with
    ("Ápganixtan Hamid Kazai" -> "Hamid Kazai"), or the last syllables of one whose first syllables stand right
    before it ("... Tiền" + "Giang Văn Rạng" -> "Văn Rạng", "... Tây" + "Ban Nha" -> ""). A one-word country that is
    also a Vietnamese syllable ("Nga", "Đức", "Mỹ": given names too) is left, and a name that is the place in full
    too ("Thái Bình" speaking is the province's authorities, another rule's business)."""
    words, prior = name.split(), before.split()
    for parts, cut in _BY_FIRST_WORD.get(words[0], ()) if words else ():
        if cut:  # the name begins inside the place: its first `cut` words stand before
            # round 14: the syllables before in any case ("châu Âu Pascal Lamy", the list's "Châu Âu")
            if [w.lower() for w in prior[-cut:]] == [w.lower() for w in parts[:cut]] and \
                    words[:len(parts) - cut] == parts[cut:]:
                return " ".join(words[len(parts) - cut:])
        elif len(words) > len(parts) and words[:len(parts)] == parts and \
                (len(parts) > 1 or not VN_SYLLABLE.fullmatch(parts[0])):
            return " ".join(words[len(parts):])
    return name
