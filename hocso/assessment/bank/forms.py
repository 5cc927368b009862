"""Forms for the question bank pages. They parse input; the bank services validate the question itself.

Option rows (choices, accepted answers, matching pairs) are repeated inputs with the same names
(`option-text`, `option-grade`, …) read as parallel lists, so an htmx "add a row" needs no index bookkeeping.
Grades are typed as percentages, as in Moodle.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hocso.core.text import normalize

from ..models import Category, Difficulty, QuestionType, Sharing
from .formats.common import (
    FORMATS,
    GIFT,
    MAX_IMPORT_BYTES,
    MOODLE_XML,
    XLSX,
    fraction_to_percent,
    percent_to_fraction,
    snap_fractions,
)

ARCHIVED_CHOICES = [("active", gettext_lazy("Active")), ("archived", gettext_lazy("Archived")),
                    ("all", gettext_lazy("All"))]

# Which repeated rows a type uses, and their input names.
ROW_KINDS = {
    QuestionType.SINGLE: "option", QuestionType.MULTIPLE: "option", QuestionType.SHORT_ANSWER: "answer",
    QuestionType.MATCHING: "pair",
}
ROW_FIELDS = {"option": ("text", "grade", "feedback"), "answer": ("text", "grade", "feedback"),
              "pair": ("left", "right")}
BLANK_ROWS = {"option": 4, "answer": 2, "pair": 3}


def _category_field(categories: list[Category], *, required: bool = True, label=None) -> forms.ChoiceField:
    choices = [("", "—")] if not required else []
    choices += [(str(c.pk), c.label) for c in categories]
    return forms.ChoiceField(label=label or _("Category"), choices=choices, required=required)


class CategoryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    sharing = forms.ChoiceField(label=gettext_lazy("Sharing"), choices=Sharing.choices, initial=Sharing.PROVINCE)

    def __init__(self, *args, categories: list[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {str(c.pk): c for c in categories}
        self.fields["parent"] = _category_field(categories, required=False, label=_("Inside"))
        self.order_fields(["name", "parent", "description", "sharing"])

    def clean_parent(self) -> Category | None:
        return self.categories.get(self.cleaned_data.get("parent") or "")


class CategoryRenameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class CategoryTargetForm(forms.Form):
    """One category to choose among `categories` (the visible ones outside the subtree being moved or deleted).

    For a move the empty choice means "at the top of the bank"; for a delete it means "do not move anything"."""

    def __init__(self, *args, categories: list[Category], field: str, label, empty_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_name = field
        self.categories = {str(c.pk): c for c in categories}
        self.fields[field] = forms.ChoiceField(
            label=label, required=False, choices=[("", empty_label), *((str(c.pk), c.label) for c in categories)])

    def target(self) -> Category | None:
        return self.categories.get(self.cleaned_data.get(self.field_name) or "")


class QuestionFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False)
    qtype = forms.ChoiceField(label=gettext_lazy("Type"), required=False,
                              choices=[("", gettext_lazy("All types")), *QuestionType.choices])
    difficulty = forms.TypedChoiceField(label=gettext_lazy("Difficulty"), required=False, coerce=int,
                                        empty_value=None,
                                        choices=[("", gettext_lazy("All")), *Difficulty.choices])
    archived = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=ARCHIVED_CHOICES)
    # A category shows what it holds, its sub-categories' questions included, unless asked for its own only: a top
    # category holding nothing itself but 66 questions below does not open on "no question matches".
    sub = forms.ChoiceField(label=gettext_lazy("Questions from"), required=False, choices=[
        ("on", gettext_lazy("This category and its sub-categories")), ("off", gettext_lazy("This category only"))])

    def includes_subcategories(self) -> bool:
        return (self.cleaned_data.get("sub") or "on") == "on"

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag_objects = {str(t.pk): t for t in tags}
        self.fields["tag"] = forms.ChoiceField(label=_("Tag"), required=False,
                                               choices=[("", _("All")), *((str(t.pk), t.name) for t in tags)])
        self.order_fields(["q", "qtype", "difficulty", "tag", "archived", "sub"])

    def clean_tag(self):
        return self.tag_objects.get(self.cleaned_data.get("tag") or "")


class QuestionForm(forms.Form):
    """The common fields of every type, the type's own settings, and its repeated rows (read from `data`)."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=255,
                           help_text=gettext_lazy("Shown in the bank's lists; learners do not see it."))
    text = forms.CharField(label=gettext_lazy("Question text"), widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=gettext_lazy("HTML is allowed (paragraphs, bold, lists, tables, images); "
                                                  "anything unsafe is removed when saving."))
    image = forms.FileField(label=gettext_lazy("Add an image"), required=False,
                             help_text=gettext_lazy("PNG, JPEG, GIF or WebP up to 2 MB; it is added at the end "
                                                    "of the question text."))
    image_alt = forms.CharField(label=gettext_lazy("Image description"), required=False, max_length=200,
                                help_text=gettext_lazy("For people who cannot see the image."))
    general_feedback = forms.CharField(label=gettext_lazy("General feedback"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))
    default_mark = forms.DecimalField(label=gettext_lazy("Default mark"), min_value=Decimal("0.001"),
                                      max_digits=7, decimal_places=3, initial=Decimal(1))
    difficulty = forms.TypedChoiceField(label=gettext_lazy("Difficulty"), choices=Difficulty.choices, coerce=int,
                                        initial=Difficulty.MEDIUM)
    tags = forms.CharField(label=gettext_lazy("Tags"), required=False,
                           help_text=gettext_lazy("Separated by commas."))

    def __init__(self, *args, qtype: str, categories: list[Category], creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.qtype = qtype
        self.row_kind = ROW_KINDS.get(qtype)
        self.categories = {str(c.pk): c for c in categories}
        self.fields["category"] = _category_field(categories)
        if creating:
            self.fields["idnumber"] = forms.CharField(
                label=_("ID number"), max_length=100, required=False,
                help_text=_("Optional identifier shared with other systems"))
        bool_field = forms.BooleanField
        if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            self.fields["shuffle"] = bool_field(label=_("Shuffle the options"), required=False, initial=True)
            if qtype == QuestionType.MULTIPLE:
                self.fields["partial_credit"] = bool_field(
                    label=_("Partial credit"), required=False, initial=True,
                    help_text=_("Each right option earns its grade; otherwise only exactly the right set scores."))
            self.fields["negative_marking"] = bool_field(
                label=_("Negative marking"), required=False,
                help_text=_("Options with a negative grade can make the question worth less than 0."))
        elif qtype == QuestionType.TRUE_FALSE:
            self.fields["correct"] = forms.TypedChoiceField(
                label=_("The statement is"), choices=[("true", _("True")), ("false", _("False"))],
                coerce=lambda v: v == "true", widget=forms.RadioSelect)
            self.fields["feedback_true"] = forms.CharField(label=_("Feedback for the answer “True”"),
                                                           required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields["feedback_false"] = forms.CharField(label=_("Feedback for the answer “False”"),
                                                            required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields["negative_marking"] = bool_field(label=_("Negative marking"), required=False,
                                                         help_text=_("A wrong answer is worth −100%."))
        elif qtype == QuestionType.SHORT_ANSWER:
            self.fields["case_sensitive"] = bool_field(label=_("Case sensitive"), required=False)
            self.fields["ignore_diacritics"] = bool_field(
                label=_("Ignore diacritics"), required=False,
                help_text=_("“Ha Noi” is then accepted for “Hà Nội” (this also ignores case)."))
        elif qtype == QuestionType.MATCHING:
            # No "shuffle" choice: in the author's order the right-hand items would follow the left-hand ones they
            # belong to. Every paper shows them in an order of its own (hocso.assessment.option_ids).
            self.fields["distractors"] = forms.CharField(
                label=_("Extra wrong answers"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("One per line; they are offered on the right but match nothing."))
        elif qtype == QuestionType.ESSAY:
            self.fields["min_words"] = forms.IntegerField(label=_("Minimum words"), required=False, min_value=1)
            self.fields["max_words"] = forms.IntegerField(label=_("Maximum words"), required=False, min_value=1)
            self.fields["grader_info"] = forms.CharField(label=_("Information for graders"), required=False,
                                                         widget=forms.Textarea(attrs={"rows": 3}))
        self.rows = self._rows_from_data() if self.is_bound else []

    # The fields that every type has, then the type's own (templates render these two groups apart).
    COMMON = ("name", "category", "text", "image", "image_alt", "general_feedback", "default_mark", "difficulty",
              "tags", "idnumber")

    def common_fields(self):
        return [self[name] for name in self.COMMON if name in self.fields]

    def type_fields(self):
        return [self[name] for name in self.fields if name not in self.COMMON]

    def _rows_from_data(self) -> list[dict]:
        if not self.row_kind:
            return []
        names = ROW_FIELDS[self.row_kind]
        columns = [self.data.getlist(f"{self.row_kind}-{name}") for name in names]
        length = max((len(c) for c in columns), default=0)
        return [{name: (columns[i][r] if r < len(columns[i]) else "") for i, name in enumerate(names)}
                for r in range(length)]

    def set_initial_rows(self, rows: list[dict]) -> None:
        self.rows = rows

    def display_rows(self) -> list[dict]:
        """The rows to show: what was typed (or stored), plus blank ones to fill in."""
        if not self.row_kind:
            return []
        names = ROW_FIELDS[self.row_kind]
        blank = {name: "" for name in names}
        filled = [r for r in self.rows if any(str(r.get(n, "")).strip() for n in names)]
        return filled + [dict(blank) for _i in range(max(1, BLANK_ROWS[self.row_kind] - len(filled)))]

    def clean_category(self) -> Category:
        category = self.categories.get(self.cleaned_data.get("category") or "")
        if category is None:
            raise ValidationError(_("Choose a category."))
        return category

    def clean(self):
        cleaned = super().clean()
        if self.row_kind in ("option", "answer"):
            for index, row in enumerate(self.rows, start=1):
                if row["text"].strip():
                    try:
                        percent_to_fraction(row["grade"].replace(",", ".") or "0")
                    except ValueError:
                        self.add_error(None, _("Row %(n)s: the grade “%(grade)s” is not a number.")
                                       % {"n": index, "grade": row["grade"]})
        if self.qtype == QuestionType.ESSAY:
            low, high = cleaned.get("min_words"), cleaned.get("max_words")
            if low and high and low > high:
                self.add_error("max_words", _("The maximum must not be below the minimum."))
        return cleaned

    def tag_list(self) -> list[str]:
        return [normalize(t) for t in self.cleaned_data.get("tags", "").split(",") if normalize(t)]

    def question_data(self) -> dict:
        """The version `data` for the bank services (they validate and normalise it)."""
        c = self.cleaned_data
        if self.qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            options = [{"id": f"o{i}", "text": r["text"], "feedback": r["feedback"],
                        "fraction": str(percent_to_fraction(r["grade"].replace(",", ".") or "0"))}
                       for i, r in enumerate(self.rows, start=1)]
            snap_fractions([o for o in options if o["text"].strip()], multiple=self.qtype == QuestionType.MULTIPLE)
            data = {"options": options, "shuffle": c.get("shuffle", False),
                    "negative_marking": c.get("negative_marking", False)}
            if self.qtype == QuestionType.MULTIPLE:
                data["partial_credit"] = c.get("partial_credit", False)
            return data
        if self.qtype == QuestionType.TRUE_FALSE:
            return {"correct": c.get("correct"), "feedback_true": c.get("feedback_true", ""),
                    "feedback_false": c.get("feedback_false", ""), "negative_marking": c.get("negative_marking")}
        if self.qtype == QuestionType.SHORT_ANSWER:
            answers = [{"text": r["text"], "feedback": r["feedback"],
                        "fraction": str(percent_to_fraction(r["grade"].replace(",", ".") or "100"))}
                       for r in self.rows]
            snap_fractions([a for a in answers if a["text"].strip()], multiple=False)
            return {"answers": answers, "case_sensitive": c.get("case_sensitive", False),
                    "ignore_diacritics": c.get("ignore_diacritics", False)}
        if self.qtype == QuestionType.MATCHING:
            distractors = [line for line in c.get("distractors", "").splitlines() if line.strip()]
            return {"pairs": [{"id": f"p{i}", "left": r["left"], "right": r["right"]}
                              for i, r in enumerate(self.rows, start=1)],
                    "distractors": [{"id": f"d{i}", "text": t} for i, t in enumerate(distractors, start=1)],
                    "shuffle": True}
        return {"min_words": c.get("min_words"), "max_words": c.get("max_words"),
                "grader_info": c.get("grader_info", "")}


def initial_from_version(question, version) -> tuple[dict, list[dict]]:
    """Form initial values and rows for editing `question` from one of its versions."""
    data = version.data
    initial = {
        "name": question.name, "category": str(question.category_id), "text": version.text,
        "general_feedback": version.general_feedback, "default_mark": version.default_mark,
        "difficulty": question.difficulty, "tags": ", ".join(t.name for t in question.tags.all()),
    }
    rows: list[dict] = []
    qtype = question.qtype
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        initial.update(shuffle=data.get("shuffle", True), negative_marking=data.get("negative_marking", False),
                       partial_credit=data.get("partial_credit", True))
        rows = [{"text": o["text"], "grade": fraction_to_percent(o["fraction"]), "feedback": o.get("feedback", "")}
                for o in data.get("options", [])]
    elif qtype == QuestionType.TRUE_FALSE:
        initial.update(correct="true" if data.get("correct") else "false",
                       feedback_true=data.get("feedback_true", ""), feedback_false=data.get("feedback_false", ""),
                       negative_marking=data.get("negative_marking", False))
    elif qtype == QuestionType.SHORT_ANSWER:
        initial.update(case_sensitive=data.get("case_sensitive", False),
                       ignore_diacritics=data.get("ignore_diacritics", False))
        rows = [{"text": a["text"], "grade": fraction_to_percent(a["fraction"]), "feedback": a.get("feedback", "")}
                for a in data.get("answers", [])]
    elif qtype == QuestionType.MATCHING:
        initial.update(distractors="\n".join(d["text"] for d in data.get("distractors", [])))
        rows = [{"left": p["left"], "right": p["right"]} for p in data.get("pairs", [])]
    elif qtype == QuestionType.ESSAY:
        initial.update(min_words=data.get("min_words"), max_words=data.get("max_words"),
                       grader_info=data.get("grader_info", ""))
    return initial, rows


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"),
                           help_text=gettext_lazy("Moodle XML (.xml), GIFT (.gift or .txt) or Excel (.xlsx), "
                                                  "up to 20 MB."))
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"), required=False,
        choices=[("", gettext_lazy("Recognise from the file name")), (MOODLE_XML, "Moodle XML"), (GIFT, "GIFT"),
                 (XLSX, "Excel (.xlsx)")],
    )

    def __init__(self, *args, categories: list[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {str(c.pk): c for c in categories}
        self.fields["category"] = _category_field(categories, label=_("Import into"))
        self.fields["category"].help_text = _("Categories named in the file are created inside this one.")
        self.order_fields(["file", "file_format", "category"])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean_category(self) -> Category:
        category = self.categories.get(self.cleaned_data.get("category") or "")
        if category is None:
            raise ValidationError(_("Choose a category."))
        return category

    def clean(self):
        from .formats.common import detect_format

        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and not cleaned.get("file_format"):
            detected = detect_format(upload.name)
            if detected is None:
                self.add_error("file_format", _("The format cannot be recognised from the file name: choose it."))
            cleaned["file_format"] = detected
        if cleaned.get("file_format") and cleaned["file_format"] not in FORMATS:
            self.add_error("file_format", _("Unknown file format."))
        return cleaned
