"""Import pages: upload a survey file, see its validation and preview, commit it.

Validation and the commit run in a worker process (register/jobs.py,
``manage.py runjobs``): these views only queue them and show the job, whose
progress fragment htmx polls every second while it runs. A job outside the
user's reach is "not found" (404), as everything of another commune is.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from phocap.accounts.permissions import may_upload, reads_imports
from phocap.accounts.requests import AuthedRequest
from phocap.kit.years import year_shown
from phocap.register import audit, jobs
from phocap.register.models import ImportJob
from phocap.register.results import survey_years
from phocap.register.views.common import communes_below
from phocap.survey.problems import Problem, ProblemsFound
from phocap.textfields import CheckedForm

ACCEPTED = (*jobs.SUFFIXES, ".zip")


def _last_year() -> int:
    return dt.date.today().year - 1


def _latest_year(request: AuthedRequest) -> int:
    """The form opens on the user's latest year with data (kit/years.py), not on a year
    nobody surveyed: an import usually corrects or completes the survey in hand; a new
    year is typed in."""
    unit = request.user.unit
    years = survey_years(communes_below(unit)) if unit is not None else []
    return year_shown(request, years)


class _SeveralFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class _FilesField(forms.FileField):
    """One file or several (a commune's village files), or a ZIP of them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _SeveralFiles(attrs={"accept": ",".join(ACCEPTED)}))
        super().__init__(**kwargs)

    def clean(self, data: object, initial: object = None) -> object:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data] if data else [single(None, initial)]
        return [single(data, initial)]


class ImportForm(CheckedForm):
    file = _FilesField(
        label=gettext_lazy("Tệp phiếu điều tra"),
        help_text=gettext_lazy(
            "CSV, XLSX, XLS hoặc Parquet theo mẫu phiếu điều tra, hoặc tệp nhập liệu của hệ"
            " thống PCGD–XMC của Bộ (mỗi thôn một tệp). Chọn được nhiều tệp một lúc (các thôn"
            " của xã), hoặc một tệp ZIP chứa chúng; tất cả được kiểm tra và ghi vào sổ cùng"
            " nhau."),
    )
    survey_year = forms.IntegerField(label=gettext_lazy("Năm điều tra"), min_value=1990,
                                     max_value=2100, initial=_last_year)
    village = forms.CharField(
        label=gettext_lazy("Thôn/xóm (không bắt buộc)"), max_length=120, required=False,
        help_text=gettext_lazy(
            "Chỉ khi tải một tệp nhập liệu của Bộ mà tên tệp không phải tên thôn; nếu để trống,"
            " tên thôn lấy từ tên tệp (“01. Bản Pồn.xls” là thôn Bản Pồn)."))

    def clean_file(self) -> object:
        files = self.cleaned_data["file"]
        for upload in files:
            if Path(upload.name).suffix.lower() not in ACCEPTED:
                raise forms.ValidationError(
                    _("Chỉ nhận tệp %(kinds)s; tệp “%(name)s” không phải loại đó.")
                    % {"kinds": ", ".join(ACCEPTED), "name": upload.name}
                )
        return files

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        files = cleaned.get("file") or []
        if cleaned.get("village") and jobs.several([f.name for f in files]):
            self.add_error("village", _(
                "Tên thôn chỉ dùng khi tải một tệp; với nhiều tệp, tên thôn lấy từ tên từng"
                " tệp."))
        return cleaned


def _job(request: AuthedRequest, pk: int) -> ImportJob:
    return jobs.refresh(get_object_or_404(jobs.visible_jobs(request.user), pk=pk))


@login_required
@require_GET
def job_list(request: AuthedRequest) -> HttpResponse:
    if not reads_imports(request.user):
        raise Http404
    return render(request, "register/imports/list.html", {
        "jobs": jobs.visible_jobs(request.user).select_related("user")[:100],
        "may_upload": may_upload(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def job_new(request: AuthedRequest) -> HttpResponse:
    if not may_upload(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None,
                      initial={"survey_year": _latest_year(request)})
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.create(request.user, form.cleaned_data["file"],
                              form.cleaned_data["survey_year"], form.cleaned_data["village"])
        except ProblemsFound as exc:
            problems = exc.problems
        else:
            return redirect("import-detail", job.pk)
    return render(request, "register/imports/new.html", {"form": form, "problems": problems,
                                                         "commune": request.user.unit})


def _context(request: AuthedRequest, job: ImportJob) -> dict[str, object]:
    done, total = jobs.progress(job)
    problems: list[dict[str, object]] = []
    if job.errors or job.warnings:
        problems = _problems(job)
    return {
        "job": job, "done": done, "total": total, "running": job.status in jobs.RUNNING,
        "waiting": jobs.waiting(job),
        "preview": job.preview, "problems": problems,
        "may_commit": jobs.committable(request.user, job),
        "files": job.file_name.split(", ") if job.file_name else [],
    }


def _problems(job: ImportJob, limit: int = 500) -> list[dict[str, object]]:
    """The first problems, in file order, for the page (the XLSX report has them all)."""
    stored = jobs.problems_path(job)
    if not stored.exists():
        return []
    return pl.read_parquet(stored, n_rows=limit).to_dicts()


@login_required
@require_GET
def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    preview = job.preview or {}
    shown = len(preview.get("changed_sample", [])) + len(preview.get("missing_sample", []))
    if shown:
        # The preview names the register's people and their current values: a bulk read
        # of personal data, logged like a download (the progress fragment shows no one).
        for commune in job.communes.all():
            audit.exported(request.user, commune, {"import_job": job.pk, "preview": True,
                                                   "rows": shown, "file": job.file_name})
    return render(request, "register/imports/detail.html", _context(request, job))


@login_required
@require_GET
def job_progress(request: AuthedRequest, pk: int) -> HttpResponse:
    """The progress fragment; once the step is over, htmx reloads the whole page."""
    job = _job(request, pk)
    response = render(request, "register/imports/_progress.html", _context(request, job))
    if job.status not in jobs.RUNNING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def job_report(request: AuthedRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if not job.report_path or not Path(job.report_path).exists():
        raise Http404
    files = job.file_name.split(", ")  # the names stay when cleanup has deleted the files
    name = f"bao-cao-{Path(files[0]).stem if len(files) == 1 else f'nhap-{job.pk}'}.xlsx"
    # The report repeats the file's faulty rows: a download of personal data, logged.
    # A file refused by validation has no communes recorded: log it under the uploader's unit.
    for commune in list(job.communes.all()) or [job.unit]:  # type: ignore[list-item]  # an uploader has a unit
        audit.exported(request.user, commune, {"file": name, "import_job": job.pk})
    return FileResponse(Path(job.report_path).open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def job_commit(request: AuthedRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.user_id != request.user.pk:
        raise PermissionDenied  # a reviewer reads the job, never commits it
    if jobs.request_commit(request.user, job):
        messages.info(request, _("Đang ghi vào sổ; trang sẽ tự cập nhật."))
    else:
        messages.error(request, _("Lần nhập này không thể ghi vào sổ ở trạng thái hiện tại."))
    return redirect("import-detail", job.pk)
