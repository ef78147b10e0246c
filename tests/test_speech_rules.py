"""General Vietnamese reporting rules, one test each: a title or honorific before a foreign surname said alone,
"Theo" before a described source, pronouns, adverbs between speaker and verb, organisations, interview answers.
Example sentences written for these tests (not taken from the coded quote set)."""
from __future__ import annotations


import pytest


from speech_helpers import named, quotes_of




def test_a_foreign_surname_after_an_honorific_takes_the_full_name_said_before():
    q = quotes_of("Hội thảo có sự tham dự của Michael Trenton, chủ tịch một quỹ đầu tư Canada.",
                  "Thị trường còn nhiều dư địa, ông Trenton cho biết.")
    assert named(q) == [("Michael Trenton", "person")]


def test_a_written_out_title_before_a_foreign_surname_is_a_person():
    q = quotes_of("Nhóm nghiên cứu do tiến sĩ J. Morrow dẫn đầu đã công bố kết quả.",
                  "Tiến sĩ Morrow cho biết, loại thuốc này an toàn cho trẻ em.")
    assert named(q) == [("J. Morrow", "person")]
    assert q.iloc[0]["role"] == "Tiến sĩ"
    q = quotes_of("HLV Kessler cho biết, đội sẽ thay hai cầu thủ trong trận tới.")
    assert named(q) == [("Kessler", "person")]


def test_according_to_a_described_organisation_or_a_lower_case_title():
    q = quotes_of("Theo hãng nghiên cứu thị trường Asia Metrics, doanh số máy tính bảng giảm 8% trong quý.")
    assert named(q) == [("Asia Metrics", "org")]
    assert q.iloc[0]["role"] == "hãng nghiên cứu thị trường"
    q = quotes_of("Báo cáo do tiến sĩ Peter Morrow soạn đã được gửi đi.",
                  "Theo tiến sĩ Morrow, giá thuốc ở các nước nghèo cao gấp ba lần.")
    assert named(q) == [("Peter Morrow", "person")]


def test_according_to_a_plan_or_a_rule_still_names_nobody():
    assert quotes_of("Theo kế hoạch, công trình sẽ hoàn thành vào cuối năm nay.").empty
    assert quotes_of("Theo quy định của Bộ Tài chính, doanh nghiệp phải nộp báo cáo trước ngày 30.").empty


def test_a_sentence_initial_pronoun_refers_to_the_person_the_sentence_before_was_about():
    q = quotes_of("Ông Trần Văn Hùng cho biết công ty sẽ mở thêm hai nhà máy.",
                  "Còn với ông Lê Minh Quang, chuyên gia kinh tế, thị trường sẽ sớm hồi phục. Ông nhận định, giá thép "
                  "sẽ tăng trong quý tới.")
    got = dict(zip(q["quote"].str[:7], q["speaker"]))
    assert got["giá thé"] == "Lê Minh Quang" and got["công ty"] == "Trần Văn Hùng"


@pytest.mark.parametrize("text, speakers", [
    # adverbs and times between the speaker and the verb are not part of the name
    ("Vinaphone đã chính thức tuyên bố giảm giá cước gọi quốc tế từ tháng sau.", [("Vinaphone", "org")]),
    ("Hãng Sonora cuối tuần qua cho biết sẽ mở nhà máy thứ hai ở Bình Dương.", [("Sonora", "org")]),
    # "hiện nay", "Được biết" open the clause; a post office is an organisation
    ("Được biết, hiện nay Bưu điện tỉnh Nghệ An đang đề nghị cho lắp thêm 30 trạm phát sóng.",
     [("Bưu điện tỉnh Nghệ An", "org")]),
    # a bare "TP" or "tỉnh" names no one
    ("Sau buổi làm việc, TP chỉ đạo các sở khẩn trương hoàn tất hồ sơ.", []),
    # a name inside the description of unnamed speakers is not theirs
    ("Các bác sĩ của Bệnh viện Phụ sản Từ Dũ cho biết em bé đã ra đời an toàn.", []),
])
def test_speaker_slot_words(text, speakers):
    assert named(quotes_of(text)) == speakers


def test_a_person_name_inside_an_organisation_name_is_the_organisation(monkeypatch):
    from pipeline.speech import speakers as S

    monkeypatch.setattr(S, "ner_entities", lambda text: [("PER", "DL Hùng Vương")])
    q = quotes_of("Trường ĐH DL Hùng Vương cho biết ngành tiếng Nhật có thể phải đóng cửa.", use_ner=True)
    assert named(q) == [("Trường ĐH DL Hùng Vương", "org")]


def test_a_quotation_named_afterwards_as_someones_remark():
    q = quotes_of("“Dự thảo luật vẫn còn nhiều điểm bất ổn cần sửa” - đó là nhận xét của PGS Trần Văn Long, Viện Giáo dục.")
    assert named(q) == [("Trần Văn Long", "person")]
    assert (q.iloc[0]["kind"], q.iloc[0]["cue"]) == ("direct", "nhận xét")


def test_interview_answers_after_the_answerers_name_and_after_a_question():
    q = quotes_of("Chúng tôi đã có cuộc trao đổi với ông Phạm Quốc Bảo, Giám đốc Sở Giao thông vận tải.",
                  "Vì sao dự án chậm tiến độ?",
                  "- Nguyên nhân chính là khâu giải phóng mặt bằng kéo dài hơn dự kiến.",
                  "Khi nào tuyến đường thông xe?",
                  "- Ông Lê Văn Tư: Chúng tôi sẽ thông xe vào quý hai năm sau.",
                  "Còn nguồn vốn?",
                  "- Vốn đã được bố trí đủ cho cả năm nay.")
    answers = q[q["cue"] == "interview"]
    assert list(answers["speaker"]) == ["Phạm Quốc Bảo", "Lê Văn Tư", "Lê Văn Tư"]
    assert set(answers["kind"]) == {"direct"} and answers.iloc[0]["quote"].startswith("Nguyên nhân chính")


def test_a_dash_list_or_a_question_is_no_interview_answer():
    q = quotes_of("Ông Phạm Quốc Bảo đã trả lời phỏng vấn báo chí về dự án.",
                  "Dự án gồm các hạng mục sau:",
                  "- Mở rộng mặt đường lên sáu làn xe và xây hai cầu vượt.",
                  "Vì sao dự án chậm tiến độ?",
                  "- Ông có thể cho biết khi nào dự án hoàn thành không?")
    assert (q["cue"] == "interview").sum() == 0


def test_a_place_that_ends_a_bodys_name_is_not_the_body():
    q = quotes_of("Đài khí tượng thủy văn khu vực Nam Bộ cho biết đợt không khí lạnh sẽ kéo dài thêm ba ngày.")
    assert named(q) == [("Đài khí tượng thủy văn khu vực Nam Bộ", "org")]


def test_a_country_before_a_name_is_no_given_name():
    q = quotes_of("Bộ trưởng Di trú Canada Maria Lopresti đã đến thăm trại.", "Ông Lopresti cho biết, số hồ sơ sẽ tăng.")
    assert named(q)[-1] == ("Maria Lopresti", "person")


def test_a_headline_with_a_name_and_a_colon_is_no_interview_answer():
    q = quotes_of("HLV Mai Văn Đức: Cầm cự được nhờ chuẩn bị thể lực tốt từ đầu mùa",
                  "Đội bóng đã giành một điểm quý giá trên sân khách.")
    assert (q["cue"] == "interview").sum() == 0


def test_people_in_general_and_countries_are_no_speakers():
    q = quotes_of("Bà Anne Porter, chuyên gia của WHO, cho biết vắc xin rất an toàn.",
                  "Người ta cho rằng virus lây qua đường hô hấp.",
                  "Các bác sĩ Pháp nói rằng bệnh nhân vẫn hôn mê.")
    assert named(q) == [("Anne Porter", "person")]


@pytest.mark.parametrize("text, speakers", [
    # a school named after a person is no speaker, nor the person it is named after
    ("Cô Trịnh Thị Hoa, giáo viên Trường THPT Võ Thị Sáu (quận Bình Thạnh), cho biết học sinh đã ôn thi từ tháng ba.",
     [("Trịnh Thị Hoa", "person")]),
    ("Cô Dương Kim Lan, hiệu trưởng trường tiểu học Trần Văn Đang, cho biết trường đã khử trùng các lớp học.",
     [("Dương Kim Lan", "person")]),
    # the name opens its own clause after an ellipsis, whatever prepositions the sentence had before
    ("Học sinh có thể giải trí ở “góc thư giãn”… Ông Lê Duy Tân, Hiệu phó Trường THPT Võ Thị Sáu, cho biết trường "
     "đã nối mạng từ năm 2000.", [("Lê Duy Tân", "person")]),
    # a written-out title before a foreign name, an organisation in the apposition
    ("Giáo sư David Blazes, chủ tịch Hiệp hội Bác sĩ Hoa Kỳ phát biểu: “Thế giới cần những phòng thí nghiệm như vậy "
     "hơn bao giờ hết”.", [("David Blazes", "person")]),
])
def test_names_inside_schools_and_appositions(text, speakers):
    assert named(quotes_of(text)) == speakers


@pytest.mark.parametrize("text, speakers", [
    # a submission or a form cited is no source, the body in the sentence speaks
    ("Theo tờ trình, VNPT đề nghị được áp dụng cách tính cước mới từ ngày 1-7.", [("VNPT", "org")]),
    ("Theo báo cáo tài chính do Ủy ban Chứng khoán công bố, lợi nhuận của công ty tăng 20%.", []),
    # a name the clause asks something of is no described organisation
    ("Cơ quan an ninh đề nghị phía Vietsovpetro nêu rõ chức danh của từng cá nhân tham gia dự án.", []),
    # an unnamed source is not extended to a name in the content
    ("Theo một số nguồn tin, trong máy tính của Bùi Quang Hưng có dữ liệu về 16 trận đấu.", []),
    # "có" before the verb is no part of the body's name
    ("UBND phường Phước Long có thông báo, nhà chị sẽ bị cưỡng chế trong tuần tới.", [("UBND phường Phước Long", "org")]),
])
def test_documents_objects_and_unnamed_sources(text, speakers):
    assert named(quotes_of(text)) == speakers


@pytest.mark.parametrize("text, speakers", [
    # a directive verb that is also a noun, after a person who did something else first: no request of theirs
    ("Thủ tướng Phan Văn Khải vừa quyết định thành lập đoàn công tác chỉ đạo chống hạn tại Tây Nguyên.", []),
    ("Bên ngoài sân, HLV Nguyễn Thanh Hải chỉ biết đứng nhìn khi sự chỉ đạo của ông bị bỏ qua.", []),
    ("Phóng viên đã liên lạc với hậu vệ Trần Hải Lâm và nhận được câu trả lời: không có chuyện bán độ.", []),
    # the person right before it, an apposition between, and a body named in lower case still count
    ("Ông Nguyễn Văn Nhân, Phó Chủ tịch UBND tỉnh, đề nghị Sở Y tế sớm triển khai trang web tư vấn.",
     [("Nguyễn Văn Nhân", "person")]),
    ("Riêng với học sinh vi phạm, Ban an toàn giao thông cũng đề nghị xử lý tùy theo mức độ.",
     [("Ban an toàn giao thông", "org")]),
])
def test_directives_that_are_nouns_too(text, speakers):
    assert named(quotes_of(text)) == speakers


@pytest.mark.parametrize("text, speakers", [
    # a person opens the sentence and a colon introduces the quotation, whatever the verb
    ("Ông Peter Kenyon, Giám đốc điều hành của Chelsea, lớn tiếng phủ nhận: “Chúng tôi chưa bao giờ đưa ra lời chào "
     "mời nào”.", [("Peter Kenyon", "person")]),
    ("Anh Phạm Ngọc Hà bộc bạch: “Chúng tôi phải đi vận động quyên góp để lo mai táng cho người đã khuất”.",
     [("Phạm Ngọc Hà", "person")]),
    # a medium's headline, and a quotation after a colon with no person opening the sentence
    ("Tờ La Repubblica chạy hàng tít dài: “Đừng cố đi tìm bằng chứng làm gì nữa”.", []),
    ("Khẩu hiệu của chiến dịch năm nay là: “Hãy sống xanh để bảo vệ trái đất của chúng ta”.", []),
])
def test_a_quotation_after_a_colon_in_a_sentence_about_a_person(text, speakers):
    assert named(quotes_of(text)) == speakers


def test_the_rest_of_an_address_in_the_apposition_is_no_speaker():
    q = quotes_of("“Thiết bị này thay thế được việc truyền dịch”, Dennis Ernst, giám đốc Trung tâm Giáo dục tại Ramsey, "
                  "Indiana, nói.")
    assert named(q) == [("Dennis Ernst", "person")]


def test_a_joint_attribution_is_one_row_a_person():
    q = quotes_of("Ông Trần Văn Hải và bà Lê Thị Mai cùng cho rằng giá điện cần được điều chỉnh theo lộ trình.")
    assert named(q) == [("Trần Văn Hải", "person"), ("Lê Thị Mai", "person")]
    q = quotes_of("Bộ Khoa học và Công nghệ cho biết, quỹ sẽ được thành lập trong năm nay.")
    assert named(q) == [("Bộ Khoa học và Công nghệ", "org")]  # "và" inside an organisation's name


@pytest.mark.parametrize("text, speakers", [
    # a lower-case description before a foreign name, appositions after it (an address in brackets among them)
    ("“Đặt kim sai chỗ thì thuốc sẽ chảy ra ngoài tĩnh mạch”, nhà phát minh thiết bị Herbert Zeman, một kỹ sư tại "
     "Đại học Tennessee, Memphis (Mỹ), nói.", [("Herbert Zeman", "person")]),
    # ... but not a newspaper, a school or a product named after the description
    ("Vân, học sinh trường Phan Đình Phùng, cho biết phòng thi rất nghiêm.", [("Vân", "person")]),
    ("“Sẽ có nhiều người vô tội thiệt mạng”, Khaled Maeena, tổng biên tập báo Arab News, cho rằng.",
     [("Khaled Maeena", "person")]),
    # school and street names, the second syllable of "môi trường", a bracketed affiliation
    ("Thứ trưởng Bộ Tài nguyên Môi trường Đặng Hùng Võ cho biết nghị định đã được ký.", [("Đặng Hùng Võ", "person")]),
    ("Còn theo luật sư Mỹ Hà (Văn phòng Luật sư Hà Đăng), nhiều người đã tới nhờ tư vấn pháp lý.",
     [("Mỹ Hà", "person")]),
    # a voice is no speech verb
    ("Công ty Nemesysco giới thiệu sản phẩm Voice Analysis, giúp phát hiện nói dối qua giọng nói.", []),
])
def test_descriptions_brackets_and_place_words(text, speakers):
    assert named(quotes_of(text)) == speakers


@pytest.mark.parametrize("paragraphs, speakers", [
    # a person said to belong to the organisation that ends the clause
    (["Tiến sĩ Julian Whitaker thuộc Viện Wellness ở California cho rằng đây là một cuộc cách mạng."],
     [("Julian Whitaker", "person")]),
    # a surname said alone: one given name before it, not the club before that; a medium's short name
    (["Huấn luyện viên của Chelsea Jose Mourinho đã rời sân sớm.", "Ông Mourinho cho biết, đội sẽ thắng trận sau."],
     [("Jose Mourinho", "person")]),
    (["Một độc giả đã gọi điện đến tờ New York Times.", "Times cho biết, cuốn sách có ít nhất ba đoạn giống hệt."],
     [("New York Times", "org")]),
])
def test_members_of_organisations_and_surnames_said_alone(paragraphs, speakers):
    assert named(quotes_of(*paragraphs)) == speakers
