"""Staff screens for vouchers: the batches, generating one, and downloading its codes as CSV.

Under Certification › Vouchers in the admin, for superusers and staff with the
``certification.add_voucherbatch`` permission (``can_manage_vouchers``, the one rule).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.text import slugify
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from certification.models import Exam, VoucherBatch
from certification.voucher_services import MAX_BATCH, VoucherError, batch_create, batch_csv
from courses.models import LiveSessionPage

PERMISSION = "certification.add_voucherbatch"


def can_manage_vouchers(*, user) -> bool:
    """Superusers and holders of ``certification.add_voucherbatch`` generate and export codes."""
    return user.is_superuser or user.has_perm(PERMISSION)


def _require(request: HttpRequest) -> None:
    if not can_manage_vouchers(user=request.user):
        raise PermissionDenied


class BatchForm(forms.Form):
    name = forms.CharField(
        max_length=120, help_text="Who the codes are for, e.g. “Partner summit 2030”."
    )
    purpose = forms.ChoiceField(choices=VoucherBatch.Purpose.choices)
    exam = forms.ModelChoiceField(
        queryset=Exam.objects.order_by("title"),
        required=False,
        help_text="For exam vouchers: the exam they start an attempt at.",
    )
    session = forms.ModelChoiceField(
        queryset=LiveSessionPage.objects.filter(kind=LiveSessionPage.CLASSROOM).order_by(
            "starts_at"
        ),
        required=False,
        label="Classroom session",
        help_text="For seat vouchers: one session, or empty for any classroom session.",
    )
    count = forms.IntegerField(
        min_value=1, max_value=MAX_BATCH, help_text=f"How many codes (up to {MAX_BATCH})."
    )
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Codes cannot be used from then on (your time zone). Empty: never.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("purpose") == VoucherBatch.Purpose.EXAM_ATTEMPT and not cleaned.get("exam"):
            self.add_error("exam", "Choose the exam that exam vouchers are for.")
        return cleaned


def batches_for_staff():
    """Every batch with its redeemed count, newest first: one query."""
    return (
        VoucherBatch.objects.select_related("exam", "session", "created_by")
        .annotate(redeemed=Count("vouchers", filter=Q(vouchers__redeemed_at__isnull=False)))
        .order_by("-created_at", "-pk")
    )


class BatchIndexView(WagtailAdminTemplateMixin, TemplateView):
    """The batches, with the form to generate a new one."""

    page_title = "Vouchers"
    header_icon = "tag"
    template_name = "certification/admin/vouchers.html"

    def dispatch(self, request, *args, **kwargs):
        _require(request)
        self.form = BatchForm(request.POST or None)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if self.form.is_valid():
            data = self.form.cleaned_data
            try:
                batch = batch_create(
                    name=data["name"],
                    purpose=data["purpose"],
                    count=data["count"],
                    exam=data["exam"],
                    session=data["session"],
                    expires_at=data["expires_at"],
                    created_by=request.user,
                )
            except VoucherError as error:
                self.form.add_error(None, str(error))
            else:
                messages.success(request, f"{batch.count} codes generated for “{batch.name}”.")
                return redirect("certification_vouchers:index")
        return self.get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(form=self.form, batches=list(batches_for_staff()))
        return context


def batch_download(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The batch's codes as a CSV file."""
    _require(request)
    batch = get_object_or_404(VoucherBatch, pk=batch_id)
    response = HttpResponse(batch_csv(batch=batch), content_type="text/csv; charset=utf-8")
    name = slugify(batch.name) or "vouchers"
    response["Content-Disposition"] = f'attachment; filename="vouchers-{name}-{batch.pk}.csv"'
    return response


urlpatterns = [
    path("", BatchIndexView.as_view(), name="index"),
    path("<int:batch_id>/codes.csv", batch_download, name="csv"),
]


@hooks.register("register_admin_urls")
def register_voucher_urls():
    return [path("certification/vouchers/", include((urlpatterns, "certification_vouchers")))]


class VouchersMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_vouchers(user=request.user)


@hooks.register("register_certification_menu_item")
def register_vouchers_menu_item():
    return VouchersMenuItem("Vouchers", reverse("certification_vouchers:index"), icon_name="tag")
