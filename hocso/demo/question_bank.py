"""The demo question bank: digital transformation for public servants (Vietnamese content, as data).

Each question is written the way an author would type it into the bank form; `hocso.demo.assessment` creates
them through `hocso.assessment.bank.question_create`, so they are validated and sanitised like any other.
Facts follow the legal texts in force in 2026 (Luật Dữ liệu 2024, Luật Giao dịch điện tử 2023, Quyết định
749/QĐ-TTg, Đề án 06, Nghị định 85/2016/NĐ-CP...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Category keys -> path under the bank's root ("Chuyển đổi số"), and who owns the category.
ROOT_NAME = "Chuyển đổi số"
ROOT_DESCRIPTION = (
    "Ngân hàng câu hỏi mẫu của bản trình diễn: kiến thức chuyển đổi số cho cán bộ, công chức, viên chức."
)
CATEGORIES: dict[str, tuple[str, str, str]] = {
    # key: (name, owner, description)
    "gov": ("Chính phủ số", "admin", "Chính quyền số, dịch vụ công trực tuyến, định danh điện tử, văn bản điện tử."),
    "security": ("An toàn thông tin", "admin", "Lừa đảo trực tuyến, mật khẩu, mã độc, bảo đảm an toàn hệ thống."),
    "data": ("Dữ liệu", "admin", "Quản trị dữ liệu, dữ liệu mở, dữ liệu dùng chung, bảo vệ dữ liệu cá nhân."),
    "ai": ("Trí tuệ nhân tạo", "giangvien", "Khái niệm cơ bản về AI, AI tạo sinh và sử dụng AI có trách nhiệm."),
    "cases": ("Tình huống thực tế", "giangvien", "Câu hỏi tự luận theo tình huống, do giảng viên chấm."),
}

EASY, MEDIUM, HARD = 1, 2, 3


@dataclass(frozen=True)
class DemoQuestion:
    category: str
    qtype: str
    name: str
    text: str
    data: dict
    difficulty: int = MEDIUM
    tags: tuple[str, ...] = ()
    owner: str = "admin"
    mark: str = "1"
    feedback: str = ""
    # Plausible answers a learner gets wrong (short answer) or answers a learner writes (essay): the demo's
    # past attempts use them so the grading and the item statistics look like a real quarter.
    wrong: tuple[str, ...] = ()
    essays: tuple[str, ...] = field(default=())


def single(category: str, name: str, text: str, options: list[str], **extra) -> DemoQuestion:
    """Options in display order; the correct one starts with '*'."""
    data = {"options": [
        {"id": chr(ord("a") + i), "text": o.lstrip("*"), "fraction": 1 if o.startswith("*") else 0}
        for i, o in enumerate(options)
    ]}
    return DemoQuestion(category, "single", name, f"<p>{text}</p>", data, **extra)


def multiple(category: str, name: str, text: str, options: list[tuple[str, str]], **extra) -> DemoQuestion:
    """(text, fraction): the correct options' fractions add up to 1; wrong ones take marks away."""
    data = {"options": [{"id": chr(ord("a") + i), "text": t, "fraction": f} for i, (t, f) in enumerate(options)],
            "partial_credit": True}
    return DemoQuestion(category, "multiple", name, f"<p>{text}</p>", data, **extra)


def truefalse(category: str, name: str, text: str, correct: bool, why: str, **extra) -> DemoQuestion:
    feedback = {"feedback_true": why, "feedback_false": why}
    return DemoQuestion(category, "truefalse", name, f"<p>{text}</p>", {"correct": correct, **feedback}, **extra)


def short(category: str, name: str, text: str, answers: list[tuple[str, str]], *, ignore_diacritics=False,
          **extra) -> DemoQuestion:
    data = {"answers": [{"text": t, "fraction": f} for t, f in answers], "case_sensitive": False,
            "ignore_diacritics": ignore_diacritics}
    return DemoQuestion(category, "shortanswer", name, f"<p>{text}</p>", data, **extra)


def matching(category: str, name: str, text: str, pairs: list[tuple[str, str]], distractors: list[str],
             **extra) -> DemoQuestion:
    data = {
        "pairs": [{"id": f"p{i}", "left": left, "right": right} for i, (left, right) in enumerate(pairs, start=1)],
        "distractors": [{"id": f"d{i}", "text": text} for i, text in enumerate(distractors, start=1)],
    }
    return DemoQuestion(category, "matching", name, f"<p>{text}</p>", data, **extra)


def essay(category: str, name: str, text: str, grader_info: str, essays: tuple[str, ...], **extra) -> DemoQuestion:
    data = {"min_words": 60, "max_words": 400, "grader_info": f"<p>{grader_info}</p>"}
    return DemoQuestion(category, "essay", name, f"<p>{text}</p>", data, essays=essays, **extra)


QUESTIONS: list[DemoQuestion] = [
    # --- Chính phủ số -----------------------------------------------------------------------------------------
    single("gov", "Ngày Chuyển đổi số quốc gia", "Ngày Chuyển đổi số quốc gia của Việt Nam là ngày nào?",
           ["Ngày 2 tháng 9", "*Ngày 10 tháng 10", "Ngày 1 tháng 7", "Ngày 20 tháng 11"],
           difficulty=EASY, tags=("sự kiện",),
           feedback="Theo Quyết định số 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ."),
    single("gov", "Chương trình Chuyển đổi số quốc gia",
           "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030 được phê duyệt tại văn bản "
           "nào?",
           ["Quyết định số 06/QĐ-TTg ngày 06/01/2022", "*Quyết định số 749/QĐ-TTg ngày 03/6/2020",
            "Nghị quyết số 57-NQ/TW ngày 22/12/2024", "Quyết định số 942/QĐ-TTg ngày 15/6/2021"],
           tags=("văn bản pháp luật",)),
    single("gov", "Ba trụ cột chuyển đổi số", "Chuyển đổi số quốc gia được triển khai trên ba trụ cột nào?",
           ["Hạ tầng số, dữ liệu số và nhân lực số", "*Chính quyền số, kinh tế số và xã hội số",
            "Chính phủ điện tử, thương mại điện tử và giáo dục trực tuyến",
            "Nền tảng số, an toàn thông tin và dữ liệu mở"],
           difficulty=EASY),
    single("gov", "Dịch vụ công trực tuyến toàn trình", "Dịch vụ công trực tuyến <strong>toàn trình</strong> là gì?",
           ["Dịch vụ chỉ cho phép tra cứu thông tin về thủ tục trên mạng",
            "*Dịch vụ mà toàn bộ quá trình, từ nộp hồ sơ, xử lý đến trả kết quả, được thực hiện trên môi trường mạng",
            "Dịch vụ nộp hồ sơ trực tuyến nhưng người dân phải đến nộp bản giấy để nhận kết quả",
            "Dịch vụ do cán bộ bộ phận một cửa nhập hộ hồ sơ lên hệ thống"],
           tags=("dịch vụ công",)),
    single("gov", "Nội dung Đề án 06", "Đề án 06 (Quyết định số 06/QĐ-TTg ngày 06/01/2022) là đề án về nội dung nào?",
           ["Xây dựng Cổng thông tin điện tử của các bộ, ngành",
            "*Phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số quốc gia",
            "Phổ cập điện thoại thông minh cho người dân vùng sâu, vùng xa",
            "Chuyển đổi IPv4 sang IPv6 trong cơ quan nhà nước"],
           tags=("đề án 06",)),
    single("gov", "Địa chỉ Cổng Dịch vụ công quốc gia", "Cổng Dịch vụ công quốc gia có địa chỉ truy cập nào?",
           ["chinhphu.vn", "*dichvucong.gov.vn", "dichvucong.com.vn", "congdichvu.gov"],
           difficulty=EASY, tags=("dịch vụ công",)),
    single("gov", "Giấy tờ đã số hóa",
           "Người dân nộp hồ sơ trực tuyến, trong đó có giấy tờ đã được số hóa và lưu trong kho quản lý dữ liệu "
           "điện tử của người dân. Cán bộ tiếp nhận nên làm gì?",
           ["Yêu cầu người dân nộp thêm bản sao có chứng thực",
            "*Khai thác, sử dụng lại giấy tờ đã số hóa, không yêu cầu người dân nộp lại",
            "Từ chối hồ sơ vì giấy tờ không phải bản giấy",
            "Yêu cầu người dân mang bản chính đến đối chiếu trong mọi trường hợp"],
           difficulty=HARD, tags=("dịch vụ công", "số hóa")),
    single("gov", "Trục liên thông văn bản quốc gia",
           "Hệ thống nào dùng để gửi, nhận văn bản điện tử giữa các cơ quan nhà nước từ trung ương đến địa phương?",
           ["Cổng thông tin điện tử của tỉnh", "*Trục liên thông văn bản quốc gia",
            "Mạng xã hội nội bộ của cơ quan", "Ứng dụng VNeID"],
           difficulty=HARD, tags=("văn bản điện tử",)),
    multiple("gov", "Nền tảng chia sẻ dữ liệu",
             "Những nền tảng nào sau đây dùng để kết nối, chia sẻ dữ liệu giữa các cơ quan nhà nước? "
             "(Chọn tất cả phương án đúng)",
             [("Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NDXP)", "0.5"),
              ("Nhóm Zalo của cơ quan", "-0.5"),
              ("Nền tảng tích hợp, chia sẻ dữ liệu cấp bộ, cấp tỉnh (LGSP)", "0.5"),
              ("Hộp thư điện tử cá nhân của cán bộ", "-0.5")],
             tags=("dữ liệu dùng chung",)),
    multiple("gov", "Tăng tỷ lệ hồ sơ trực tuyến",
             "Những việc nào giúp tăng tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình tại bộ phận một cửa? "
             "(Chọn tất cả phương án đúng)",
             [("Hướng dẫn, hỗ trợ người dân nộp hồ sơ trực tuyến ngay tại bộ phận một cửa", "0.4"),
              ("Tái sử dụng dữ liệu đã có, không yêu cầu nộp lại giấy tờ đã số hóa", "0.3"),
              ("Yêu cầu nộp thêm bản giấy để đối chiếu sau khi đã nộp trực tuyến", "-0.5"),
              ("Trả kết quả điện tử có giá trị pháp lý như bản giấy", "0.3")],
             difficulty=MEDIUM, tags=("dịch vụ công",)),
    truefalse("gov", "Giá trị của kết quả điện tử",
              "Kết quả giải quyết thủ tục hành chính dưới dạng điện tử có giá trị pháp lý như kết quả bằng giấy.",
              True, "Đúng: Nghị định 45/2020/NĐ-CP quy định kết quả điện tử có giá trị pháp lý như bản giấy.",
              difficulty=EASY, tags=("dịch vụ công",)),
    truefalse("gov", "Đăng ký định danh mức 2",
              "Tài khoản định danh điện tử mức độ 2 có thể đăng ký hoàn toàn trực tuyến, không cần đến cơ quan "
              "Công an.",
              False, "Sai: mức độ 2 phải đăng ký trực tiếp để thu nhận ảnh chân dung và vân tay.",
              tags=("vneid", "đề án 06")),
    truefalse("gov", "Chữ ký số công vụ", "Chứng thư chữ ký số chuyên dùng công vụ do Ban Cơ yếu Chính phủ cung cấp.",
              True, "Đúng: Ban Cơ yếu Chính phủ là tổ chức cung cấp dịch vụ chứng thực chữ ký số chuyên dùng công vụ.",
              difficulty=EASY, tags=("chữ ký số",)),
    short("gov", "Số chữ số của số định danh cá nhân",
          "Số định danh cá nhân in trên thẻ căn cước gồm bao nhiêu chữ số? (Trả lời bằng số)",
          [("12", "1"), ("mười hai", "1")], difficulty=EASY, tags=("đề án 06",), wrong=("9", "10", "13")),
    short("gov", "Tên ứng dụng định danh điện tử",
          "Ứng dụng định danh và xác thực điện tử quốc gia do Bộ Công an phát triển có tên là gì?",
          [("VNeID", "1"), ("VNe ID", "1")], tags=("vneid",), wrong=("VNID", "eID", "Dịch vụ công")),
    matching("gov", "Văn bản và nội dung chính", "Ghép mỗi văn bản với nội dung chính của nó.",
             [("Luật Giao dịch điện tử 2023", "Giá trị pháp lý của thông điệp dữ liệu, chữ ký điện tử, giao dịch "
               "điện tử"),
              ("Luật Dữ liệu 2024", "Xây dựng, phát triển, bảo vệ, quản trị, xử lý và sử dụng dữ liệu số"),
              ("Quyết định 749/QĐ-TTg", "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030"),
              ("Luật An ninh mạng 2018", "Bảo vệ an ninh quốc gia, trật tự, an toàn xã hội trên không gian mạng")],
             ["Chính sách thuế thu nhập cá nhân"], difficulty=HARD, tags=("văn bản pháp luật",), mark="2"),
    # --- An toàn thông tin ----------------------------------------------------------------------------------
    single("security", "Dấu hiệu thư lừa đảo", "Dấu hiệu nào sau đây thường gặp nhất ở một thư điện tử lừa đảo "
           "(phishing)?",
           ["Thư có chữ ký số hợp lệ của cơ quan gửi",
            "*Giục mở tệp đính kèm hoặc bấm liên kết ngay để “tránh bị khóa tài khoản”",
            "Thư gửi từ địa chỉ công vụ của đồng nghiệp, nội dung trao đổi công việc thường ngày",
            "Thư không có tệp đính kèm"],
           difficulty=EASY, tags=("lừa đảo",)),
    single("security", "Mật khẩu mạnh", "Mật khẩu nào sau đây mạnh nhất?",
           ["123456789", "ThaiNguyen2026", "*ban-Tra-Xanh!Song-Cau-19", "nguyenvanan"],
           difficulty=EASY, tags=("mật khẩu",)),
    single("security", "Mã độc tống tiền", "Mã độc tống tiền (ransomware) gây hại chủ yếu bằng cách nào?",
           ["Làm máy tính chạy chậm vì hiện nhiều quảng cáo",
            "*Mã hóa dữ liệu trên máy rồi đòi tiền chuộc để giải mã",
            "Làm hỏng phần cứng máy in", "Tự động gửi thư chúc mừng đến danh bạ"],
           tags=("mã độc",)),
    single("security", "Phòng chống mã độc tống tiền",
           "Biện pháp nào giảm thiệt hại hiệu quả nhất khi bị mã độc tống tiền tấn công?",
           ["Trả tiền chuộc càng sớm càng tốt",
            "*Sao lưu dữ liệu định kỳ, có bản sao lưu tách rời khỏi mạng",
            "Tắt phần mềm diệt virus cho máy chạy nhanh hơn", "Đổi hình nền máy tính"],
           tags=("mã độc", "sao lưu")),
    single("security", "Cấp độ an toàn hệ thống thông tin",
           "Theo Nghị định 85/2016/NĐ-CP, hệ thống thông tin được phân loại theo bao nhiêu cấp độ an toàn?",
           ["3 cấp độ", "4 cấp độ", "*5 cấp độ", "7 cấp độ"], tags=("văn bản pháp luật",)),
    single("security", "Mô hình bảo vệ 4 lớp",
           "Mô hình bảo vệ 4 lớp gồm: lực lượng tại chỗ; tổ chức giám sát, bảo vệ chuyên nghiệp; tổ chức độc lập "
           "kiểm tra, đánh giá định kỳ; và lớp thứ tư là gì?",
           ["Mua bảo hiểm rủi ro an ninh mạng", "*Kết nối, chia sẻ thông tin với hệ thống giám sát quốc gia",
            "Thuê máy chủ đặt ở nước ngoài", "Cấm sử dụng Internet trong cơ quan"],
           difficulty=HARD),
    single("security", "Khóa màn hình", "Khi rời khỏi máy tính tại nơi làm việc, anh/chị nên làm gì?",
           ["Để nguyên màn hình vì chỉ đi một lát", "*Khóa màn hình (ví dụ nhấn Windows + L)",
            "Tắt màn hình nhưng không khóa máy", "Dán mật khẩu lên màn hình để đồng nghiệp dùng hộ"],
           difficulty=EASY, tags=("thói quen an toàn",)),
    single("security", "Hiệu lực Luật An toàn thông tin mạng",
           "Luật An toàn thông tin mạng (Luật số 86/2015/QH13) có hiệu lực từ ngày nào?",
           ["01/01/2016", "*01/07/2016", "01/01/2019", "01/07/2015"], difficulty=HARD, tags=("văn bản pháp luật",)),
    multiple("security", "Khi nghi máy nhiễm mã độc",
             "Những việc nào nên làm ngay khi nghi ngờ máy tính cơ quan bị nhiễm mã độc? (Chọn tất cả phương án đúng)",
             [("Ngắt kết nối mạng của máy tính", "0.5"),
              ("Tiếp tục làm việc bình thường cho kịp tiến độ", "-0.5"),
              ("Báo ngay cho bộ phận chuyên trách công nghệ thông tin", "0.5"),
              ("Tự cài phần mềm “diệt virus” tải từ mạng xã hội", "-0.5")],
             tags=("mã độc", "ứng cứu sự cố")),
    multiple("security", "Thông tin không được cung cấp qua điện thoại",
             "Người gọi điện tự xưng là cán bộ ngân hàng hoặc công an. Những thông tin nào anh/chị <em>không</em> "
             "được cung cấp? (Chọn tất cả phương án đúng)",
             [("Mã OTP gửi về điện thoại", "0.4"), ("Mật khẩu tài khoản", "0.3"),
              ("Giờ làm việc của bộ phận một cửa đã niêm yết công khai", "-0.5"),
              ("Số thẻ và mã CVV in sau thẻ ngân hàng", "0.3")],
             difficulty=EASY, tags=("lừa đảo",)),
    truefalse("security", "Xác thực hai yếu tố",
              "Xác thực hai yếu tố (ví dụ mật khẩu và mã OTP) giúp bảo vệ tài khoản ngay cả khi mật khẩu bị lộ.",
              True, "Đúng: kẻ gian có mật khẩu vẫn thiếu yếu tố thứ hai.", difficulty=EASY, tags=("mật khẩu",)),
    truefalse("security", "Dùng chung mật khẩu",
              "Dùng chung một mật khẩu cho thư công vụ và các tài khoản mạng xã hội là an toàn nếu mật khẩu đủ dài.",
              False, "Sai: một dịch vụ bị lộ mật khẩu thì mọi tài khoản dùng chung đều bị chiếm.",
              difficulty=EASY, tags=("mật khẩu",)),
    truefalse("security", "Biểu tượng ổ khóa",
              "Trang web có biểu tượng ổ khóa (https) chắc chắn là trang web thật, không thể là trang lừa đảo.",
              False, "Sai: https chỉ mã hóa đường truyền; trang lừa đảo cũng có thể dùng https.",
              tags=("lừa đảo",)),
    short("security", "Viết tắt xác thực hai yếu tố",
          "Cụm từ viết tắt tiếng Anh (3 ký tự) của “xác thực hai yếu tố” là gì?",
          [("2FA", "1"), ("MFA", "0.5")], tags=("mật khẩu",), wrong=("OTP", "2AF", "FA2")),
    short("security", "Thuật ngữ mã độc tống tiền",
          "Loại mã độc mã hóa dữ liệu rồi đòi tiền chuộc được gọi bằng thuật ngữ tiếng Anh nào?",
          [("ransomware", "1"), ("ransom ware", "1")], tags=("mã độc",), wrong=("trojan", "virus", "spyware")),
    matching("security", "Hình thức tấn công", "Ghép mỗi hình thức tấn công với mô tả đúng.",
             [("Lừa đảo qua thư, trang web giả (phishing)", "Giả mạo để lừa lấy thông tin đăng nhập"),
              ("Mã độc tống tiền (ransomware)", "Mã hóa dữ liệu và đòi tiền chuộc"),
              ("Tấn công từ chối dịch vụ (DDoS)", "Làm tê liệt dịch vụ bằng lượng truy cập khổng lồ"),
              ("Tấn công phi kỹ thuật (social engineering)",
               "Lợi dụng lòng tin, tâm lý con người để khai thác thông tin")],
             ["Tăng tốc độ đường truyền Internet"], tags=("lừa đảo", "mã độc"), mark="2"),
    # --- Dữ liệu ----------------------------------------------------------------------------------------------
    single("data", "Hiệu lực Luật Dữ liệu", "Luật Dữ liệu (Luật số 60/2024/QH15) có hiệu lực thi hành từ ngày nào?",
           ["01/01/2025", "*01/07/2025", "30/11/2024", "01/01/2026"], tags=("văn bản pháp luật",)),
    single("data", "Đúng, đủ, sạch, sống", "Yêu cầu “đúng, đủ, sạch, sống” trong Đề án 06 nói về điều gì?",
           ["Quy cách lưu trữ hồ sơ giấy", "*Chất lượng của dữ liệu dân cư và dữ liệu chuyên ngành",
            "Tiêu chuẩn phòng máy chủ", "Yêu cầu đối với mật khẩu người dùng"],
           difficulty=EASY, tags=("đề án 06", "chất lượng dữ liệu")),
    single("data", "Siêu dữ liệu", "Siêu dữ liệu (metadata) là gì?",
           ["Dữ liệu có dung lượng rất lớn",
            "*Dữ liệu mô tả đặc tính của dữ liệu như nguồn gốc, cấu trúc, thời điểm tạo",
            "Dữ liệu đã bị mã hóa", "Dữ liệu lưu trên điện toán đám mây"]),
    single("data", "Quy tắc sao lưu 3-2-1", "Quy tắc sao lưu 3-2-1 nghĩa là gì?",
           ["Sao lưu 3 lần mỗi ngày, giữ 2 tuần, xóa sau 1 tháng",
            "*3 bản sao dữ liệu, trên 2 loại phương tiện lưu trữ khác nhau, 1 bản để ở nơi khác",
            "3 người giữ mật khẩu, 2 máy chủ, 1 tường lửa",
            "Sao lưu 3 thư mục quan trọng nhất vào 2 USB cất trong 1 ngăn kéo"],
           tags=("sao lưu",)),
    single("data", "Dữ liệu cá nhân nhạy cảm",
           "Theo quy định về bảo vệ dữ liệu cá nhân, thông tin nào sau đây là dữ liệu cá nhân nhạy cảm?",
           ["Họ và tên", "*Tình trạng sức khỏe ghi trong hồ sơ bệnh án", "Chức vụ đã được công bố công khai",
            "Tên cơ quan công tác"],
           difficulty=HARD, tags=("dữ liệu cá nhân",)),
    single("data", "Dữ liệu mở", "Dữ liệu mở của cơ quan nhà nước là gì?",
           ["Dữ liệu nội bộ chỉ cán bộ trong cơ quan được xem",
            "*Dữ liệu được công bố rộng rãi để mọi tổ chức, cá nhân tự do sử dụng, tái sử dụng và chia sẻ",
            "Dữ liệu chưa được phân loại độ mật", "Dữ liệu do người dân tự đăng trên mạng xã hội"],
           tags=("dữ liệu mở",)),
    single("data", "Định dạng dữ liệu mở", "Định dạng nào phù hợp nhất để công bố một bảng số liệu dưới dạng dữ "
           "liệu mở mà máy tính đọc được?",
           ["Ảnh chụp màn hình (PNG)", "Tệp PDF quét từ bản giấy", "*CSV", "Tệp Word có chèn bảng"],
           difficulty=EASY, tags=("dữ liệu mở",)),
    single("data", "Yêu cầu cung cấp danh sách qua tin nhắn",
           "Một số điện thoại lạ nhắn tin tự xưng là cấp trên, yêu cầu gửi gấp danh sách cán bộ kèm số định danh "
           "cá nhân. Anh/chị nên làm gì?",
           ["Gửi ngay để không chậm việc",
            "*Xác minh qua kênh chính thức; chỉ cung cấp theo văn bản, đúng thẩm quyền",
            "Gửi danh sách nhưng xóa cột họ tên", "Đăng danh sách lên nhóm chung để cấp trên tự tải"],
           tags=("dữ liệu cá nhân", "lừa đảo")),
    multiple("data", "Bảo vệ dữ liệu cá nhân khi xử lý hồ sơ",
             "Những việc nào giúp bảo vệ dữ liệu cá nhân của người dân khi xử lý hồ sơ? (Chọn tất cả phương án đúng)",
             [("Chỉ thu thập thông tin cần cho thủ tục đang giải quyết", "0.4"),
              ("Gửi bảng danh sách có số định danh, ngày sinh lên nhóm Zalo chung", "-0.5"),
              ("Che một phần số định danh khi hiển thị trong danh sách", "0.3"),
              ("Phân quyền truy cập theo nhiệm vụ được giao", "0.3"),
              ("Chép hồ sơ đã quét vào USB cá nhân để làm ở nhà", "-0.5")],
             difficulty=MEDIUM, tags=("dữ liệu cá nhân",)),
    truefalse("data", "Cơ sở dữ liệu quốc gia về dân cư",
              "Cơ sở dữ liệu quốc gia về dân cư được kết nối, chia sẻ để các cơ quan khai thác khi giải quyết thủ tục "
              "hành chính.", True, "Đúng: đây là cơ sở dữ liệu dùng chung, nền tảng của Đề án 06.",
              difficulty=EASY, tags=("đề án 06",)),
    truefalse("data", "Dữ liệu công khai trên mạng xã hội",
              "Dữ liệu cá nhân đã công khai trên mạng xã hội thì cơ quan nhà nước được tùy ý thu thập, sử dụng cho mọi "
              "mục đích.", False, "Sai: xử lý dữ liệu cá nhân phải có mục đích, căn cứ rõ ràng.",
              tags=("dữ liệu cá nhân",)),
    truefalse("data", "Dữ liệu chủ",
              "Dữ liệu chủ là dữ liệu chứa thông tin cơ bản nhất về một đối tượng, dùng làm căn cứ tham chiếu, đồng bộ "
              "giữa các hệ thống.", True, "Đúng: theo định nghĩa tại Nghị định 47/2020/NĐ-CP.", difficulty=HARD,
              tags=("dữ liệu dùng chung",)),
    short("data", "Thuật ngữ siêu dữ liệu", "Thuật ngữ tiếng Anh của “siêu dữ liệu” là gì?",
          [("metadata", "1"), ("meta data", "1"), ("meta-data", "1")], wrong=("bigdata", "database", "megadata")),
    short("data", "Từ còn thiếu trong yêu cầu chất lượng dữ liệu",
          "Dữ liệu dân cư phải bảo đảm yêu cầu “đúng, đủ, sạch, …”. Điền từ còn thiếu.",
          [("sống", "1")], ignore_diacritics=True, difficulty=EASY, tags=("đề án 06",),
          wrong=("đẹp", "chuẩn", "chính xác")),
    matching("data", "Khái niệm dữ liệu", "Ghép mỗi khái niệm với định nghĩa phù hợp.",
             [("Dữ liệu mở", "Được công bố để mọi người tự do sử dụng, tái sử dụng, chia sẻ"),
              ("Dữ liệu chủ", "Thông tin gốc làm căn cứ tham chiếu, đồng bộ giữa các hệ thống"),
              ("Dữ liệu dùng chung", "Được nhiều cơ quan cùng khai thác qua kết nối, chia sẻ"),
              ("Siêu dữ liệu", "Mô tả nguồn gốc, cấu trúc, ý nghĩa của dữ liệu")],
             ["Dữ liệu đã bị xóa vĩnh viễn"], tags=("dữ liệu dùng chung",), mark="2"),
    # --- Trí tuệ nhân tạo -------------------------------------------------------------------------------------
    single("ai", "Khái niệm trí tuệ nhân tạo", "Trí tuệ nhân tạo (AI) là gì?",
           ["Một loại robot hình người",
            "*Khả năng của hệ thống máy tính thực hiện những việc vốn cần trí tuệ con người như nhận dạng, suy luận, "
            "học hỏi",
            "Phần mềm diệt virus thế hệ mới", "Mạng Internet tốc độ cao"],
           difficulty=EASY, owner="giangvien"),
    single("ai", "Ảo giác của AI", "Hiện tượng “ảo giác” (hallucination) của AI tạo sinh là gì?",
           ["Mô hình từ chối trả lời câu hỏi",
            "*Mô hình tạo ra thông tin nghe hợp lý nhưng sai hoặc bịa đặt",
            "Mô hình chạy chậm khi nhiều người dùng", "Mô hình hiển thị hình ảnh động"],
           owner="giangvien", tags=("ai tạo sinh",)),
    single("ai", "Không đưa dữ liệu mật vào AI",
           "Khi dùng công cụ AI tạo sinh công cộng để hỗ trợ soạn thảo, cán bộ <strong>không</strong> nên làm gì?",
           ["Nhờ AI gợi ý dàn ý báo cáo",
            "*Dán nội dung văn bản mật hoặc dữ liệu cá nhân của người dân vào công cụ",
            "Kiểm tra lại số liệu, trích dẫn do AI đưa ra",
            "Chỉnh văn phong theo quy định về thể thức văn bản"],
           difficulty=EASY, owner="giangvien", tags=("ai tạo sinh", "dữ liệu cá nhân")),
    single("ai", "Mô hình ngôn ngữ lớn", "Mô hình ngôn ngữ lớn (LLM) được huấn luyện chủ yếu như thế nào?",
           ["Từ bản đồ địa hình", "*Trên lượng rất lớn văn bản, để dự đoán từ tiếp theo",
            "Chỉ từ các văn bản quy phạm pháp luật", "Từ tín hiệu của cảm biến nhiệt độ"],
           owner="giangvien", tags=("ai tạo sinh",)),
    single("ai", "Học có giám sát", "Trong học máy, “học có giám sát” (supervised learning) là gì?",
           ["Có người ngồi theo dõi máy tính trong lúc chạy",
            "*Huấn luyện mô hình trên dữ liệu đã được gán nhãn đúng",
            "Mô hình tự tìm ra các nhóm trong dữ liệu chưa gán nhãn",
            "Mô hình học bằng cách thử và nhận điểm thưởng"],
           difficulty=HARD, owner="giangvien", tags=("học máy",)),
    single("ai", "Dữ liệu huấn luyện thiên lệch", "Dữ liệu huấn luyện bị thiên lệch (bias) có thể dẫn đến hậu quả gì?",
           ["Mô hình chạy nhanh hơn", "*Mô hình đưa ra kết quả thiếu công bằng với một số nhóm người",
            "Mô hình không cần cập nhật nữa", "Mô hình tốn ít điện hơn"],
           owner="giangvien", tags=("học máy", "đạo đức ai")),
    single("ai", "Ứng dụng AI phù hợp", "Ứng dụng AI nào sau đây phù hợp trong cơ quan nhà nước?",
           ["Tự động ra quyết định xử phạt mà không có người xem xét",
            "*Trợ lý ảo trả lời câu hỏi thường gặp về thủ tục hành chính",
            "Tự động ký văn bản thay lãnh đạo",
            "Công khai dữ liệu cá nhân của người dân để huấn luyện mô hình"],
           difficulty=EASY, owner="giangvien", tags=("đạo đức ai",)),
    multiple("ai", "Dùng AI tạo sinh soạn văn bản",
             "Khi dùng AI tạo sinh để soạn thảo văn bản, cán bộ nên làm những gì? (Chọn tất cả phương án đúng)",
             [("Kiểm tra lại số liệu và căn cứ pháp lý", "0.5"),
              ("Gửi văn bản do AI viết đi ngay, không cần đọc lại", "-0.5"),
              ("Tự chịu trách nhiệm về nội dung cuối cùng", "0.5"),
              ("Nhập dữ liệu cá nhân của người dân để AI viết cho sát", "-0.5")],
             owner="giangvien", tags=("ai tạo sinh",)),
    multiple("ai", "Ứng dụng xử lý ngôn ngữ tự nhiên",
             "Những ứng dụng nào thuộc lĩnh vực xử lý ngôn ngữ tự nhiên (NLP)? (Chọn tất cả phương án đúng)",
             [("Tóm tắt một văn bản dài", "0.5"), ("Nhận diện khuôn mặt tại cửa ra vào", "-0.5"),
              ("Dịch văn bản từ tiếng Anh sang tiếng Việt", "0.5"),
              ("Bật tắt điều hòa theo lịch cố định", "-0.5")],
             difficulty=HARD, owner="giangvien", tags=("học máy",)),
    truefalse("ai", "Chatbot luôn chính xác",
              "Câu trả lời của chatbot AI luôn chính xác vì mô hình được huấn luyện trên dữ liệu rất lớn.",
              False, "Sai: mô hình có thể “ảo giác”; người dùng phải kiểm chứng.", difficulty=EASY,
              owner="giangvien", tags=("ai tạo sinh",)),
    truefalse("ai", "Thị giác máy tính",
              "Thị giác máy tính (computer vision) là lĩnh vực AI giúp máy tính nhận biết, phân tích nội dung hình ảnh "
              "và video.", True, "Đúng.", owner="giangvien", tags=("học máy",)),
    truefalse("ai", "Câu lệnh rõ ràng",
              "Với AI tạo sinh, câu lệnh (prompt) rõ ràng, có bối cảnh và yêu cầu cụ thể thường cho kết quả tốt hơn.",
              True, "Đúng: nêu vai trò, bối cảnh, định dạng mong muốn giúp kết quả sát hơn.", difficulty=EASY,
              owner="giangvien", tags=("ai tạo sinh",)),
    short("ai", "AI viết tắt của gì", "AI là viết tắt của cụm từ tiếng Anh nào?",
          [("Artificial Intelligence", "1")], difficulty=EASY, owner="giangvien",
          wrong=("Automatic Intelligence", "Advanced Internet", "Artificial Internet")),
    short("ai", "Thuật ngữ câu lệnh cho AI",
          "Câu lệnh, yêu cầu mà người dùng nhập vào công cụ AI tạo sinh được gọi bằng thuật ngữ tiếng Anh nào?",
          [("prompt", "1")], owner="giangvien", tags=("ai tạo sinh",), wrong=("command", "input", "query")),
    matching("ai", "Thuật ngữ AI", "Ghép mỗi thuật ngữ với giải thích phù hợp.",
             [("Học máy", "Máy tính học quy luật từ dữ liệu thay vì được lập trình từng bước"),
              ("AI tạo sinh", "Tạo ra nội dung mới như văn bản, hình ảnh, âm thanh"),
              ("Thị giác máy tính", "Phân tích, nhận biết nội dung ảnh và video"),
              ("Xử lý ngôn ngữ tự nhiên", "Hiểu và tạo ra ngôn ngữ của con người")],
             ["Tăng dung lượng ổ cứng"], owner="giangvien", tags=("học máy",), mark="2"),
    # --- Tình huống thực tế (tự luận) -------------------------------------------------------------------------
    essay("cases", "Tình huống: tăng hồ sơ trực tuyến toàn trình",
          "Anh/chị hãy đề xuất ba giải pháp cụ thể để cơ quan, đơn vị mình nâng cao tỷ lệ hồ sơ thủ tục hành chính "
          "được tiếp nhận và giải quyết trực tuyến toàn trình. Với mỗi giải pháp, nêu người thực hiện và cách đo "
          "kết quả.",
          "Đủ ba giải pháp khả thi (hỗ trợ tại một cửa, tái sử dụng dữ liệu, trả kết quả điện tử, truyền thông...): "
          "2 điểm; có người thực hiện, chỉ số đo: 1 điểm; trình bày mạch lạc: 1 điểm.",
          essays=(
              "Thứ nhất, bố trí cán bộ hướng dẫn người dân nộp hồ sơ trực tuyến ngay tại bộ phận một cửa, có máy tính "
              "và máy quét dùng chung; người thực hiện là công chức một cửa, đo bằng tỷ lệ hồ sơ trực tuyến hằng "
              "tháng. Thứ hai, khai thác dữ liệu dân cư và kho giấy tờ đã số hóa để người dân không phải nộp lại; "
              "văn phòng phụ trách, đo bằng số hồ sơ được tái sử dụng dữ liệu. Thứ ba, trả kết quả điện tử có ký số "
              "và truyền thông qua loa phát thanh, nhóm tổ dân phố; đo bằng số lượt tra cứu và mức độ hài lòng.",
              "Cần tuyên truyền cho người dân biết nộp hồ sơ online, hướng dẫn người già, cán bộ phải thành thạo "
              "phần mềm. Lãnh đạo cần chỉ đạo quyết liệt.",
              "Giải pháp: 1) tập huấn cho công chức một cửa sử dụng thành thạo hệ thống; 2) số hóa hồ sơ, kết quả "
              "giải quyết còn hiệu lực; 3) đặt chỉ tiêu tỷ lệ hồ sơ trực tuyến cho từng lĩnh vực, theo dõi hằng tuần "
              "trên hệ thống thông tin giải quyết thủ tục hành chính của tỉnh.",
          ),
          difficulty=MEDIUM, owner="giangvien", tags=("dịch vụ công", "tự luận"), mark="4"),
    essay("cases", "Tình huống: thư mạo danh lãnh đạo",
          "Một cán bộ trong cơ quan nhận được thư điện tử mạo danh lãnh đạo, yêu cầu chuyển khoản gấp, và đã bấm vào "
          "liên kết trong thư. Hãy trình bày các bước cần làm ngay và các biện pháp phòng ngừa lâu dài.",
          "Làm ngay: ngắt mạng, đổi mật khẩu, báo bộ phận CNTT và lãnh đạo thật, xác minh qua kênh khác, không chuyển "
          "tiền (2 điểm); phòng ngừa: xác thực hai yếu tố, tập huấn nhận diện lừa đảo, quy trình xác minh lệnh "
          "chuyển tiền (2 điểm).",
          essays=(
              "Ngay lập tức ngắt kết nối mạng của máy, không nhập thêm thông tin, đổi mật khẩu thư công vụ từ một máy "
              "khác, báo bộ phận CNTT để kiểm tra mã độc, gọi điện trực tiếp cho lãnh đạo để xác minh và tuyệt đối "
              "không chuyển tiền. Về lâu dài, bật xác thực hai yếu tố cho thư công vụ, tổ chức diễn tập nhận diện "
              "thư lừa đảo định kỳ, quy định mọi yêu cầu chuyển tiền phải có văn bản và xác minh qua điện thoại.",
              "Báo cho công an và đổi mật khẩu. Sau này cẩn thận hơn, không bấm link lạ.",
              "Cán bộ cần báo ngay cho bộ phận chuyên trách, cách ly máy, rà quét virus; kiểm tra xem đã nhập mật "
              "khẩu vào trang giả chưa để đổi mật khẩu. Cơ quan nên cảnh báo toàn bộ cán bộ về mẫu thư này.",
          ),
          difficulty=HARD, owner="giangvien", tags=("lừa đảo", "tự luận"), mark="4"),
    essay("cases", "Tình huống: làm sạch danh sách cán bộ",
          "Đơn vị anh/chị đang quản lý danh sách cán bộ trên nhiều tệp Excel rời rạc. Hãy nêu các bước chuẩn hóa, làm "
          "sạch và đưa dữ liệu vào một hệ thống dùng chung, bảo đảm “đúng, đủ, sạch, sống” và bảo vệ dữ liệu cá nhân.",
          "Thống nhất danh mục và định dạng; đối soát với CSDL dân cư qua số định danh; loại trùng; phân công người "
          "cập nhật; phân quyền và che dữ liệu nhạy cảm.",
          essays=(
              "Bước 1: thống nhất mẫu dữ liệu (họ tên, số định danh, ngày sinh, đơn vị, chức vụ) và danh mục dùng "
              "chung. Bước 2: gộp các tệp, loại bản ghi trùng theo số định danh, đối soát với cơ sở dữ liệu dân cư. "
              "Bước 3: nhập vào hệ thống dùng chung, phân công người chịu trách nhiệm cập nhật khi có biến động. "
              "Bước 4: phân quyền xem theo nhiệm vụ, che số định danh trong danh sách, không gửi tệp qua mạng xã hội.",
              "Gộp các file Excel lại làm một, xóa dòng trùng, rồi gửi lên phần mềm.",
          ),
          owner="giangvien", tags=("chất lượng dữ liệu", "tự luận"), mark="4"),
    essay("cases", "Tình huống: nguyên tắc dùng AI tạo sinh",
          "Phân tích lợi ích và rủi ro khi cán bộ dùng AI tạo sinh hỗ trợ soạn thảo văn bản hành chính. Đề xuất ba "
          "nguyên tắc sử dụng cho cơ quan anh/chị.",
          "Lợi ích (tiết kiệm thời gian, gợi ý dàn ý) và rủi ro (ảo giác, lộ dữ liệu, sai thể thức): 2 điểm; ba "
          "nguyên tắc hợp lý: 2 điểm.",
          essays=(
              "AI giúp soạn nhanh bản nháp, gợi ý dàn ý, tóm tắt tài liệu dài. Rủi ro là thông tin sai do ảo giác, "
              "lộ dữ liệu khi dán nội dung nội bộ vào công cụ công cộng, và văn bản sai thể thức. Ba nguyên tắc: "
              "không nhập thông tin mật, dữ liệu cá nhân; người soạn kiểm tra và chịu trách nhiệm cuối cùng; ghi rõ "
              "phần nội dung có sử dụng AI khi trình lãnh đạo.",
              "AI rất tiện, viết văn bản nhanh. Nên dùng nhiều để tiết kiệm thời gian.",
          ),
          owner="giangvien", tags=("ai tạo sinh", "tự luận"), mark="4"),
]
