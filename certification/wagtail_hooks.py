"""The certification app in the Wagtail admin, under "Certification": question banks, exams,
certifications (snippets), and the staff screens for awards and vouchers (``certification.staff``).
"""

from django.contrib import messages
from django.shortcuts import redirect

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from certification.models import Attempt, Badge, Certification, Exam, QuestionBank
from certification.staff import awards, mvp, vouchers  # noqa: F401 - registers their admin hooks

CERTIFICATION_HAS_AWARDS = (
    "“{name}” cannot be deleted: members hold awards of it, and awards are kept for good."
)
BADGE_HAS_AWARDS = (
    "“{name}” cannot be deleted: members hold it, and awards are kept for good. "
    "Untick “active” to stop awarding it."
)
EXAM_HAS_ATTEMPTS = (
    "“{title}” cannot be deleted: members have taken it, and their results depend on it. "
    "Unpublish it instead."
)


class QuestionBankViewSet(SnippetViewSet):
    model = QuestionBank
    icon = "help"
    menu_label = "Question banks"
    list_display = ["name", "question_count", "updated_at"]
    search_fields = ["name"]


class ExamViewSet(SnippetViewSet):
    model = Exam
    icon = "tasks"
    menu_label = "Exams"
    list_display = ["title", "slug", "questions_per_attempt", "live"]
    list_filter = ["live"]
    search_fields = ["title"]


class CertificationViewSet(SnippetViewSet):
    model = Certification
    icon = "success"
    menu_label = "Certifications"
    list_display = ["name", "exam", "renewal_exam", "validity_months"]
    search_fields = ["name"]


class BadgeViewSet(SnippetViewSet):
    model = Badge
    icon = "pick"
    menu_label = "Badges"
    list_display = ["name", "kind", "required_certification", "min_accepted_answers", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]


class CertificationViewSetGroup(SnippetViewSetGroup):
    """Banks, exams, certifications and badges; "Awards", "Vouchers" and "MVP nominations" join
    through ``submenu_hook``.
    """

    items = (QuestionBankViewSet, ExamViewSet, CertificationViewSet, BadgeViewSet)
    menu_icon = "success"
    menu_label = "Certification"
    menu_name = "certification"
    submenu_hook = "register_certification_menu_item"


register_snippet(CertificationViewSetGroup)


@hooks.register("before_delete_snippet")
def keep_exams_with_attempts(request, instances):
    """Refuse to delete an exam members have taken (their attempts protect it), with a message."""
    if any(isinstance(instance, Badge) for instance in instances):
        held = [b for b in instances if isinstance(b, Badge) and b.awards.exists()]
        if held:
            messages.error(request, BADGE_HAS_AWARDS.format(name=held[0].name))
            return redirect("wagtailsnippets_certification_badge:edit", held[0].pk)
        return None
    if any(isinstance(instance, Certification) for instance in instances):
        awarded = [c for c in instances if isinstance(c, Certification) and c.awards.exists()]
        if awarded:
            messages.error(request, CERTIFICATION_HAS_AWARDS.format(name=awarded[0].name))
            return redirect("wagtailsnippets_certification_certification:edit", awarded[0].pk)
        return None
    exams = [instance for instance in instances if isinstance(instance, Exam)]
    taken = [exam for exam in exams if Attempt.objects.filter(exam=exam).exists()]
    if taken:
        messages.error(request, EXAM_HAS_ATTEMPTS.format(title=taken[0].title))
        return redirect("wagtailsnippets_certification_exam:edit", taken[0].pk)
    return None
