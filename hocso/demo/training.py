"""The demo's training: five specialist courses for IT specialists (three classes each, sessions, attendance,
certificates) and two online courses for everyone, with some progress so the learner pages have something to show.

Courses, lessons, classes, sessions and certificates go through the training services (a few hundred calls at
most); enrolments, lesson progress and attendance are bulk-written, exactly as the services would write them
(one enrolment per learner and course, in one class; attendance only for people in the class and sessions held).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from hocso.assessment.models import Quiz
from hocso.org.models import Unit
from hocso.people.models import Learner, LearnerStatus
from hocso.people.selectors import learner_of
from hocso.training.certificates.services import certificate_issue
from hocso.training.classes.services import class_create, session_create
from hocso.training.courses.services import course_create, lesson_create, lesson_open, module_create, self_enrol
from hocso.training.models import (
    Attendance,
    AttendanceMethod,
    Certificate,
    Course,
    CourseClass,
    CourseMode,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    LessonKind,
    LessonProgress,
)

from .assessment import PRACTICE_TITLE

BATCH = 500
PLACE = "Trường Chính trị tỉnh Thái Nguyên, số 1 đường Quang Trung, TP. Thái Nguyên"
MEET = "https://meet.hocso.thainguyen.gov.vn/"
# Per class: how many people, how many of them finish with a certificate, how often people come.
CLASS_SIZE = 60
CERTIFIED_PER_CLASS = 4
PRESENT_SHARE = 0.9
# The general online courses: the share of the demo's people who started each, with a ceiling.
ONLINE_LEARNERS = (0.1, 400)


@dataclass(frozen=True)
class DemoCourse:
    title: str
    topic: str
    summary: str
    hours: int
    modules: list[tuple[str, list[tuple[str, str]]]]  # (module title, [(lesson title, HTML)])
    link: tuple[str, str]  # (title, address)


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


SPECIALIST = [
    DemoCourse(
        "AI và dữ liệu lớn", "Trí tuệ nhân tạo",
        "Khái niệm, ứng dụng trí tuệ nhân tạo và dữ liệu lớn trong cơ quan nhà nước; quản trị dữ liệu.", 40,
        [("Tổng quan", [
            ("Trí tuệ nhân tạo là gì", _p(
                "Trí tuệ nhân tạo (AI) là khả năng của hệ thống máy tính thực hiện các việc vốn cần trí tuệ con "
                "người: nhận dạng, dự báo, hiểu ngôn ngữ.",
                "Trong cơ quan nhà nước, AI hỗ trợ trả lời công dân, phân loại văn bản và phát hiện bất thường.")),
            ("Dữ liệu lớn và quản trị dữ liệu", _p(
                "Dữ liệu lớn có khối lượng, tốc độ và độ đa dạng vượt khả năng xử lý thông thường.",
                "Quản trị dữ liệu bảo đảm dữ liệu <strong>đúng, đủ, sạch, sống</strong> và được chia sẻ an toàn.")),
        ]), ("Ứng dụng", [
            ("Trợ lý ảo phục vụ người dân", _p(
                "Trợ lý ảo trả lời câu hỏi về thủ tục hành chính 24/7, giảm tải cho bộ phận một cửa.",
                "Cần kiểm soát chất lượng câu trả lời và bảo vệ dữ liệu cá nhân.")),
        ])],
        ("Chiến lược quốc gia về AI đến năm 2030", "https://chinhphu.vn/"),
    ),
    DemoCourse(
        "Blockchain trong quản lý nhà nước", "Chuỗi khối",
        "Nguyên lý chuỗi khối, hợp đồng thông minh và các tình huống ứng dụng trong quản lý nhà nước.", 32,
        [("Nguyên lý", [
            ("Chuỗi khối hoạt động thế nào", _p(
                "Chuỗi khối là sổ cái phân tán: mỗi khối chứa mã băm của khối trước nên dữ liệu khó bị sửa đổi.",
                "Các nút mạng đồng thuận trước khi ghi một khối mới.")),
            ("Hợp đồng thông minh", _p(
                "Hợp đồng thông minh là chương trình chạy trên chuỗi khối, tự thực hiện khi điều kiện thỏa mãn.")),
        ]), ("Ứng dụng", [
            ("Truy xuất nguồn gốc và văn bằng", _p(
                "Chuỗi khối giúp truy xuất nguồn gốc nông sản và xác thực văn bằng, chứng chỉ.",
                "Cần cân nhắc chi phí, tốc độ và quy định pháp lý trước khi triển khai.")),
        ])],
        ("Chiến lược quốc gia về ứng dụng và phát triển công nghệ chuỗi khối", "https://chinhphu.vn/"),
    ),
    DemoCourse(
        "Internet vạn vật (IoT)", "Internet vạn vật",
        "Cảm biến, kết nối và nền tảng IoT; ứng dụng trong đô thị thông minh và nông nghiệp.", 32,
        [("Nền tảng", [
            ("Thiết bị, kết nối và nền tảng IoT", _p(
                "Một hệ thống IoT gồm cảm biến, đường truyền (Wi-Fi, 4G/5G, LoRa) và nền tảng thu thập, phân tích "
                "dữ liệu.")),
            ("An toàn cho thiết bị IoT", _p(
                "Đổi mật khẩu mặc định, cập nhật phần mềm và tách mạng thiết bị IoT khỏi mạng nội bộ.")),
        ]), ("Ứng dụng", [
            ("Quan trắc môi trường và giao thông", _p(
                "Trạm quan trắc tự động gửi số liệu về trung tâm điều hành thông minh (IOC) theo thời gian thực.")),
        ])],
        ("Tiêu chuẩn kỹ thuật IoT của Bộ Khoa học và Công nghệ", "https://mst.gov.vn/"),
    ),
    DemoCourse(
        "Thực tế ảo", "Thực tế ảo",
        "Thực tế ảo (VR), thực tế tăng cường (AR) và ứng dụng trong đào tạo, du lịch, quảng bá địa phương.", 24,
        [("Khái niệm", [
            ("VR, AR và MR", _p(
                "Thực tế ảo đưa người dùng vào môi trường mô phỏng; thực tế tăng cường chồng thông tin số lên "
                "thế giới thật.")),
        ]), ("Ứng dụng", [
            ("Du lịch ảo và bảo tàng số", _p(
                "Tham quan ảo di tích, bảo tàng giúp quảng bá hình ảnh địa phương tới du khách trong và ngoài nước.")),
            ("Đào tạo bằng mô phỏng", _p(
                "Mô phỏng thực tế ảo giúp luyện tập các tình huống khó hoặc nguy hiểm một cách an toàn.")),
        ])],
        ("Giới thiệu du lịch ảo Thái Nguyên", "https://thainguyen.gov.vn/"),
    ),
    DemoCourse(
        "An toàn thông tin", "An toàn thông tin",
        "Bảo đảm an toàn hệ thống thông tin theo cấp độ, phòng chống mã độc, lừa đảo và ứng cứu sự cố.", 40,
        [("Cơ bản", [
            ("Các mối đe dọa thường gặp", _p(
                "Mã độc tống tiền, thư điện tử lừa đảo và tấn công từ chối dịch vụ là các mối đe dọa phổ biến.",
                "Không mở tệp đính kèm lạ; kiểm tra kỹ địa chỉ người gửi.")),
            ("Bảo đảm an toàn theo cấp độ", _p(
                "Mỗi hệ thống thông tin được xác định cấp độ và áp dụng phương án bảo đảm an toàn tương ứng.")),
        ]), ("Ứng cứu sự cố", [
            ("Quy trình ứng cứu sự cố", _p(
                "Phát hiện, báo cáo, khoanh vùng, xử lý và khôi phục; ghi nhận bài học sau sự cố.")),
        ])],
        ("Cổng thông tin Cục An toàn thông tin", "https://ais.gov.vn/"),
    ),
]

GENERAL = [
    DemoCourse(
        "Kỹ năng số cơ bản cho cán bộ, công chức", "Kỹ năng số",
        "Sử dụng thiết bị số, thư điện tử công vụ, văn bản điện tử và chữ ký số an toàn, hiệu quả.", 8,
        [("Làm quen với môi trường số", [
            ("Thư điện tử công vụ", _p(
                "Dùng thư điện tử công vụ cho công việc; không dùng để đăng ký dịch vụ cá nhân.")),
            ("Văn bản điện tử và chữ ký số", _p(
                "Văn bản điện tử có chữ ký số có giá trị pháp lý như văn bản giấy.",
                "Giữ bí mật mã PIN của thiết bị ký số.")),
        ]), ("An toàn khi làm việc trực tuyến", [
            ("Mật khẩu mạnh và xác thực hai lớp", _p(
                "Mật khẩu mạnh có ít nhất 12 ký tự; bật xác thực hai lớp cho các tài khoản quan trọng.")),
            ("Nhận biết lừa đảo trực tuyến", _p(
                "Cảnh giác với tin nhắn yêu cầu chuyển tiền hoặc cung cấp mã OTP, kể cả khi mạo danh cơ quan.")),
        ])],
        ("Cẩm nang kỹ năng số cho người dân", "https://dx.gov.vn/"),
    ),
    DemoCourse(
        "Chính quyền số và dịch vụ công trực tuyến", "Chính quyền số",
        "Chính quyền số, Cổng Dịch vụ công quốc gia và hướng dẫn người dân nộp hồ sơ trực tuyến.", 8,
        [("Chính quyền số", [
            ("Chính quyền số là gì", _p(
                "Chính quyền số vận hành dựa trên dữ liệu và công nghệ số để phục vụ người dân, "
                "doanh nghiệp tốt hơn.")),
        ]), ("Dịch vụ công trực tuyến", [
            ("Dịch vụ công trực tuyến toàn trình", _p(
                "Người dân nộp hồ sơ, thanh toán và nhận kết quả hoàn toàn trên môi trường mạng.")),
            ("Hướng dẫn người dân nộp hồ sơ", _p(
                "Đăng nhập bằng tài khoản định danh điện tử VNeID, chọn thủ tục, điền tờ khai và theo dõi hồ sơ.")),
        ])],
        ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn/"),
    ),
]

ALL_TITLES = [c.title for c in SPECIALIST + GENERAL]
# Three runs of each specialist course in 2026: (mode, name suffix, start, weeks, capacity).
CLASSES = [
    (CourseMode.IN_PERSON, "Lớp 1 (trực tiếp)", dt.date(2026, 3, 9), 80),
    (CourseMode.ONLINE, "Lớp 2 (trực tuyến)", dt.date(2026, 9, 7), 90),
    (CourseMode.HYBRID, "Lớp 3 (kết hợp)", dt.date(2026, 11, 16), 85),
]
SESSIONS_PER_CLASS = 4


@dataclass
class TrainingReport:
    courses: int = 0
    classes: int = 0
    sessions: int = 0
    enrolments: int = 0
    attendances: int = 0
    certificates: int = 0


def _build_course(admin, spec: DemoCourse, *, mode: str, quiz: Quiz | None, **fields) -> tuple[Course, list[Lesson]]:
    course = course_create(actor=admin, title=spec.title, topic=spec.topic, summary=spec.summary, hours=spec.hours,
                           mode=mode, is_published=True, **fields)
    lessons = []
    for module_title, pages in spec.modules:
        module = module_create(actor=admin, course=course, title=module_title)
        for title, html in pages:
            lessons.append(lesson_create(actor=admin, module=module, title=title, kind=LessonKind.HTML, html=html))
    module = module_create(actor=admin, course=course, title="Tài liệu tham khảo")
    lessons.append(lesson_create(actor=admin, module=module, title=spec.link[0], kind=LessonKind.LINK,
                                 url=spec.link[1]))
    if quiz is not None:
        # Practice, not part of the completion rule: passing it is up to the learner.
        lesson_create(actor=admin, module=module, title="Ôn tập: " + quiz.title, kind=LessonKind.QUIZ, quiz=quiz,
                      is_required=False)
    return course, lessons


def _moment(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed_training(*, admin, root: Unit, seed: int, progress: Callable[[str], None] | None = None) -> TrainingReport:
    """Called by `build_demo` inside its transaction, after the assessment demo (its practice quiz is used)."""
    say = progress or (lambda _message: None)
    rng = random.Random(seed * 31 + 8)
    today = timezone.localdate()
    report = TrainingReport()
    instructor = get_user_model().objects.get(username="giangvien")
    quiz = Quiz.objects.filter(title=PRACTICE_TITLE).order_by("-pk").first()
    people = list(Learner.objects.filter(unit__path__startswith=root.path, status=LearnerStatus.ACTIVE)
                  .exclude(user__username="hocvien").order_by("pk").values_list("pk", flat=True))
    enrolments: list[Enrolment] = []
    done: list[LessonProgress] = []
    attendances: list[Attendance] = []
    to_certify: list[tuple[int, int]] = []  # (learner, course)

    for spec in SPECIALIST:
        course, lessons = _build_course(admin, spec, mode=CourseMode.HYBRID, quiz=quiz, min_attendance_percent=75)
        report.courses += 1
        pool = rng.sample(people, min(len(people), 3 * CLASS_SIZE))
        size = len(pool) // 3
        for index, (mode, suffix, start, capacity) in enumerate(CLASSES):
            days = [start + dt.timedelta(days=7 * week + 2 * (week % 2)) for week in range(SESSIONS_PER_CLASS)]
            klass = class_create(actor=admin, course=course, instructors=[instructor], name=f"{spec.title} — {suffix}",
                                 mode=mode, capacity=capacity, start_date=days[0], end_date=days[-1])
            report.classes += 1
            sessions = []
            for number, day in enumerate(days, start=1):
                online = mode == CourseMode.ONLINE or (mode == CourseMode.HYBRID and number % 2 == 0)
                sessions.append(session_create(
                    actor=admin, klass=klass, title=f"Buổi {number}", date=day, start_time=dt.time(8),
                    end_time=dt.time(11, 30), place="" if online else PLACE,
                    meeting_url=f"{MEET}{course.pk}-{klass.pk}-{number}" if online else "",
                ))
            report.sessions += len(sessions)
            members = pool[index * size : (index + 1) * size]
            held = [s for s in sessions if s.date <= today]
            finished = bool(held) and len(held) == len(sessions)
            certified = set(members[:CERTIFIED_PER_CLASS]) if finished else set()
            for pk in members:
                enrolments.append(Enrolment(learner_id=pk, course=course, klass=klass, status=EnrolmentStatus.ACTIVE))
                for session in held:
                    if pk in certified or rng.random() < PRESENT_SHARE:
                        attendances.append(Attendance(session=session, learner_id=pk, marked_by=instructor,
                                                      method=AttendanceMethod.INSTRUCTOR))
                if pk in certified:
                    at = _moment(days[-1], 14)
                    done += [LessonProgress(learner_id=pk, lesson=lesson, opened_at=at, completed_at=at)
                             for lesson in lessons]
                    to_certify.append((pk, course.pk))

    # The two online courses for everyone: open for self-enrolment, some people part of the way through.
    general = []
    for spec in GENERAL:
        course, lessons = _build_course(admin, spec, mode=CourseMode.ONLINE, quiz=None, self_enrolment=True)
        report.courses += 1
        general.append((course, lessons))
        count = min(ONLINE_LEARNERS[1], max(1, round(len(people) * ONLINE_LEARNERS[0])))
        for pk in rng.sample(people, min(len(people), count)):
            reached = rng.randint(0, len(lessons))
            at = _moment(today - dt.timedelta(days=rng.randint(1, 60)), rng.randint(8, 20))
            enrolments.append(Enrolment(learner_id=pk, course=course, status=EnrolmentStatus.ACTIVE,
                                        last_lesson=lessons[reached - 1] if reached else None,
                                        last_opened_at=at if reached else None,
                                        completed_at=at if reached == len(lessons) else None))
            done += [LessonProgress(learner_id=pk, lesson=lesson, opened_at=at, completed_at=at)
                     for lesson in lessons[:reached]]

    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
    LessonProgress.objects.bulk_create(done, batch_size=BATCH)
    Attendance.objects.bulk_create(attendances, batch_size=BATCH)
    report.enrolments, report.attendances = len(enrolments), len(attendances)

    # Certificates through the service: it checks the course's rule against what was written above.
    by_key = {(e.learner_id, e.course_id): e for e in Enrolment.objects.filter(
        course_id__in={c for _l, c in to_certify}, learner_id__in={pk for pk, _c in to_certify},
    ).select_related("learner", "course", "klass")}
    for key in to_certify:
        certificate_issue(actor=admin, enrolment=by_key[key])
        report.certificates += 1

    # The demo learner: enrolled in the first online course, two lessons done, so "continue" has somewhere to go.
    anh = get_user_model().objects.filter(username="hocvien").first()
    if anh is not None and learner_of(anh) is not None:
        course, lessons = general[0]
        enrolment = self_enrol(actor=anh, course=course)
        for lesson in lessons[:2]:
            lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
        report.enrolments += 1
    say(f"training: {report.courses} courses, {report.classes} classes, {report.sessions} sessions, "
        f"{report.enrolments} enrolments, {report.attendances} attendances, {report.certificates} certificates")
    return report


def reset_training() -> dict[str, int]:
    """Delete the demo courses with their classes, enrolments, progress and certificates."""
    courses = Course.objects.filter(title__in=ALL_TITLES)
    certificates = Certificate.objects.filter(course__in=courses).delete()[0]
    enrolments = Enrolment.objects.filter(course__in=courses).delete()[0]
    LessonProgress.objects.filter(lesson__module__course__in=courses).delete()
    classes = CourseClass.objects.filter(course__in=courses).delete()[1].get("training.CourseClass", 0)
    count = courses.delete()[1].get("training.Course", 0)
    return {"certificates": certificates, "enrolments": enrolments, "classes": classes, "courses": count}
