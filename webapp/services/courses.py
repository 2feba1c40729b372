"""Courses inside the app: ordered pages of text and media, an optional quiz with a pass mark.

Every change to a course bumps its version; quiz answers sent for an older version are refused,
so nobody passes a quiz they did not see.
"""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import Certification, Course, CoursePage, QuizQuestion, Submission, User
from webapp.rules.activities import mark_quiz
from webapp.services.activities import complete_activity, swap_positions
from webapp.services.audit import record_audit
from webapp.services.invalid import Invalid
from webapp.services.names import name_taken, name_too_long, saving_unique_name
from webapp.services.storage import CheckedUpload, store_file
from webapp.text import non_blank_lines

MEDIA_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "video/mp4", "video/webm", "application/pdf")


def list_courses() -> list[Course]:
    return list(db.session.scalars(
        select(Course).options(selectinload(Course.pages), selectinload(Course.questions)).order_by(func.lower(Course.name))
    ))


def get_course(course_id: int) -> Course | None:
    return db.session.get(Course, course_id, options=[
        selectinload(Course.pages).selectinload(CoursePage.stored_file), selectinload(Course.questions),
    ])


def _changed(actor: User, course: Course, action: str, summary: str) -> None:
    course.version += 1
    record_audit(actor, f"course.{action}", course, f"{summary} (course {course.name}, now version {course.version})")
    db.session.commit()


COURSE_NAME_TAKEN = _l("Another course already has this name.")


def save_course(actor: User, course: Course | None, name: str | None, pass_mark: int | None) -> Course:
    name = (name or "").strip()
    if not name:
        raise Invalid({"name": gettext("Enter the course name.")})
    if too_long := name_too_long(Course, name):
        raise Invalid({"name": too_long})
    if name_taken(Course, name, course.id if course else None):
        raise Invalid({"name": COURSE_NAME_TAKEN})
    if pass_mark is not None and not 1 <= pass_mark <= 100:
        raise Invalid({"pass_mark": gettext("The pass mark is a percentage from 1 to 100.")})
    with saving_unique_name(Course, name, course.id if course else None, Invalid, COURSE_NAME_TAKEN):
        if course is None:
            course = Course(version=0)
            db.session.add(course)
        course.name, course.pass_mark = name, pass_mark
        db.session.flush()
        _changed(actor, course, "save", f"Saved name and pass mark {pass_mark or 'all answers right'}")
    return course


def _lock(course: Course) -> None:
    """Reload the course under a row lock: two pages or questions added at once then take
    positions one after the other, and each bumps the version it read."""
    db.session.refresh(course, with_for_update=True)


def add_course_page(actor: User, course: Course, title: str | None, body: str | None, media: CheckedUpload | None) -> CoursePage:
    errors: dict[str, str] = {}
    if not (title or "").strip():
        errors["title"] = gettext("Enter the page title.")
    if media is not None and media.content_type not in MEDIA_TYPES:
        errors["media"] = gettext("%(name)s is not an image, a video (MP4 or WebM) or a PDF.", name=media.name)
    if not (body or "").strip() and media is None and not errors.get("media"):
        errors["body"] = gettext("Write the page's text or add an image, video or PDF.")
    if errors:
        raise Invalid(errors)
    _lock(course)
    page = CoursePage(course=course, position=max((p.position for p in course.pages), default=0) + 1,
                      title=title.strip()[:200], body=(body or "").strip(),
                      stored_file=store_file(media) if media is not None else None)
    db.session.add(page)
    db.session.flush()
    _changed(actor, course, "add_page", f"Added page {page.title}")
    return page


def _page_of(course: Course, page_id: int) -> CoursePage:
    page = next((p for p in course.pages if p.id == page_id), None)
    if page is None:
        raise Invalid({"page": gettext("That page is not in this course.")})
    return page


def remove_course_page(actor: User, course: Course, page_id: int) -> None:
    page = _page_of(course, page_id)
    course.pages.remove(page)
    _changed(actor, course, "remove_page", f"Removed page {page.title}")


def move_course_page(actor: User, course: Course, page_id: int, step: int) -> None:
    page = _page_of(course, page_id)
    if swap_positions(list(course.pages), page, step):
        _changed(actor, course, "move_page", f"Moved page {page.title}")


def add_quiz_question(actor: User, course: Course, prompt: str | None, choices_text: str | None,
                      correct: int | None) -> QuizQuestion:
    errors: dict[str, str] = {}
    choices = non_blank_lines(choices_text)
    if not (prompt or "").strip():
        errors["prompt"] = gettext("Enter the question.")
    if len(choices) < 2:
        errors["choices"] = gettext("Give at least two answers, one per line.")
    elif correct is None or not 1 <= correct <= len(choices):
        errors["correct"] = gettext("Give the number of the right answer, from 1 to %(value)s.", value=len(choices))
    if errors:
        raise Invalid(errors)
    _lock(course)
    question = QuizQuestion(course=course, position=max((q.position for q in course.questions), default=0) + 1,
                            prompt=prompt.strip(), choices=choices, correct_choice=correct - 1)
    db.session.add(question)
    db.session.flush()
    _changed(actor, course, "add_question", "Added a quiz question")
    return question


def remove_quiz_question(actor: User, course: Course, question_id: int) -> None:
    question = next((q for q in course.questions if q.id == question_id), None)
    if question is None:
        raise Invalid({"question": gettext("That question is not in this course.")})
    course.questions.remove(question)
    _changed(actor, course, "remove_question", "Removed a quiz question")


def complete_course(user: User, certification: Certification, version: int | None,
                    answers: dict[int, int | None]) -> Submission:
    """Finish the course: the quiz (if any) is marked against the version the user saw.

    `answers` maps question id to the chosen answer's index. A failed quiz or a course that
    changed since the user opened it is refused and nothing is recorded.
    """
    course = get_course(certification.course_id or 0)
    if course is None or not course.pages:
        raise Invalid({"course": gettext("This certification's course has no pages yet; ask an administrator.")})
    if version != course.version:
        raise Invalid({"course": gettext("The course changed while you were taking it. Read it again from the first page"
                                 " and answer the quiz again; nothing was recorded.")})
    summary = f"completed course {course.name}"
    if course.questions:
        unanswered = [q.position for q in course.questions if answers.get(q.id) is None]
        if unanswered:
            raise Invalid({"quiz": gettext("Answer every question (question %(value)s has no answer).", value=unanswered[0])})
        result = mark_quiz([q.correct_choice for q in course.questions], [answers.get(q.id) for q in course.questions],
                           course.pass_mark)
        if not result.passed:
            raise Invalid({"quiz": gettext("You scored %(percent)s%% (%(correct)s of %(total)s); the pass mark is %(pass_mark)s%%. Read the course again and retake the quiz.", percent=result.percent, correct=result.correct, total=result.total, pass_mark=result.pass_mark)})
        summary += f" with {result.percent}% in the quiz"
    submission = complete_activity(user, certification, summary=summary)
    db.session.commit()
    return submission

