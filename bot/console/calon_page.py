"""The registered people of an officer's area ("calon PMI"), the web console's side of the
Telegram `/calon`: the counts (licensed recruiter, unlicensed or "sponsor", none yet), who
is stuck at which step, the counts by desa, and the list, with filters for the kecamatan,
the recruiter and the step people are stuck at.

The view itself is `bot.officers.candidates` (`candidate_view`, `matching`): this module
only reads the filters and lays the view out. A name appears only when the person allowed
officers to see it; an account or a phone number never does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from bot.console.markup import Html, el
from bot.console.pages import View, filter_form, frame, role_label, select
from bot.console.queries import filter_link
from bot.console.roles import official_name
from bot.officers.candidates import ANY_STEP, RECRUITER_GROUPS, Candidate, CandidateView
from bot.records import Area

STEP_CHARS = 200
STATUSES = ("active", "suspended", "revoked", "not_found", "individual", "none")
"""The recruiter statuses the page names in its own words (any other: the view's words)."""


@dataclass(frozen=True, slots=True)
class CandidateFilters:
    """The list's filters, as the form shows them."""

    kecamatan: str = ""  # only for the roles of the whole kabupaten
    recruiter: str = ""  # a RECRUITER_GROUPS key, or "" (any)
    stuck: str = ""  # a step's title, ANY_STEP, or "" (stuck or not)

    def link(self, **changes: str) -> str:
        """This page's query string with some filters changed ("" drops one)."""
        return filter_link(asdict(self), dict(changes))


def read_candidate_filters(
    query: Mapping[str, str], kecamatan_names: tuple[str, ...]
) -> CandidateFilters:
    """The filters of a query string; what is not valid is left out."""
    recruiter = query.get("recruiter", "")
    return CandidateFilters(
        kecamatan=official_name(query.get("kecamatan", ""), kecamatan_names) or "",
        recruiter=recruiter if recruiter in RECRUITER_GROUPS else "",
        stuck=" ".join(query.get("stuck", "").split())[:STEP_CHARS],
    )


def candidates_area(role_area: Area, filters: CandidateFilters) -> Area:
    """The area a list covers: the role's own, or (for the whole kabupaten) the kecamatan
    the filter names."""
    return role_area if role_area.kecamatan else Area(filters.kecamatan)


def calon_page(
    view: View,
    filters: CandidateFilters,
    listing: CandidateView,
    shown: list[Candidate],
    kecamatan_names: tuple[str, ...],
) -> Html:
    """The page: counts, filters, stuck steps, counts by desa, and the people `shown`."""
    assert view.signed is not None
    t = view.t
    role = view.signed.role
    area = listing.area
    where = (
        t("role_desa", place=f"{area.desa}, {area.kecamatan}")
        if area.desa
        else t("role_kecamatan", place=area.kecamatan)
        if area.kecamatan
        else role_label(view, role)
    )
    exports = el(
        "p",
        el("a", t("export_csv"), href=f"/officer/calon.csv{filters.link()}"),
        el("a", t("export_xlsx"), href=f"/officer/calon.xlsx{filters.link()}"),
        class_="exports",
    )
    return frame(
        view,
        t("calon_title"),
        el("h1", t("calon_title"), el("span", where, class_="where")),
        el("p", t("calon_privacy"), class_="hint"),
        _filter_form(view, filters, listing, role.whole, kecamatan_names),
        exports,
        _counts(view, filters, listing),
        el("div", _stuck(view, filters, listing), _by_desa(view, listing), class_="tallies"),
        el("p", t("calon_shown", count=len(shown), total=len(listing.candidates))),
        _table(view, shown),
    )


def _filter_form(
    view: View,
    filters: CandidateFilters,
    listing: CandidateView,
    whole: bool,
    kecamatan_names: tuple[str, ...],
) -> Html:
    t = view.t
    fields = []
    if whole:
        places = [("", t("all")), *((name, name) for name in kecamatan_names)]
        fields.append(select(t("kecamatan"), "kecamatan", places, filters.kecamatan))
    groups = [("", t("all"))] + [(key, t(f"recruiter_{key}")) for key in RECRUITER_GROUPS]
    fields.append(select(t("recruiter"), "recruiter", groups, filters.recruiter))
    steps = [("", t("all")), (ANY_STEP, t("stuck_any"))]
    steps += [(step, step) for step in sorted(listing.stuck_at)]
    if filters.stuck and filters.stuck not in dict(steps):
        steps.append((filters.stuck, filters.stuck))
    fields.append(select(t("stuck_at"), "stuck", steps, filters.stuck))
    return filter_form(view, fields, "/officer/calon")


def _counts(view: View, filters: CandidateFilters, listing: CandidateView) -> Html:
    t = view.t
    counts = {
        "licensed": listing.licensed,
        "unlicensed": listing.unlicensed,
        "none": listing.no_recruiter,
    }
    links = [
        el(
            "a",
            f"{t(f'recruiter_{key}')}: {count}",
            href=filters.link(recruiter=key),
            class_="count" + (" current" if filters.recruiter == key else ""),
        )
        for key, count in counts.items()
    ]
    total = el("span", t("calon_total", count=len(listing.candidates)))
    return el("p", total, links, class_="counts")


def _stuck(view: View, filters: CandidateFilters, listing: CandidateView) -> Html:
    t = view.t
    if not listing.stuck_at:
        body: Html = el("p", t("stuck_none"), class_="empty")
    else:
        body = el(
            "ul",
            [
                el("li", el("a", step, href=filters.link(stuck=step)), f": {count}")
                for step, count in listing.stuck_at.most_common()
            ],
        )
    return el("section", el("h2", t("stuck_title")), body)


def _by_desa(view: View, listing: CandidateView) -> Html:
    t = view.t
    rows = [
        el("tr", el("td", desa or "–"), el("td", kecamatan or "–"), el("td", count))
        for (kecamatan, desa), count in sorted(listing.by_desa.items())
    ]
    heads = el("tr", [el("th", head, scope="col") for head in (t("desa"), t("kecamatan"), "#")])
    table = el("table", el("thead", heads), el("tbody", rows), class_="tally")
    body = table if rows else el("p", t("calon_none"), class_="empty")
    return el("section", el("h2", t("by_desa")), body)


def _table(view: View, shown: list[Candidate]) -> Html:
    t = view.t
    if not shown:
        return el("p", t("calon_none"), class_="empty")
    heads = [t("name"), t("place"), t("country"), t("recruiter"), t("steps"), t("next_step")]
    return el(
        "table",
        el("thead", el("tr", [el("th", head, scope="col") for head in heads])),
        el("tbody", [_row(view, candidate) for candidate in shown]),
        class_="queue calon",
    )


def _row(view: View, candidate: Candidate) -> Html:
    t = view.t
    person = (candidate.name or "–") if candidate.named else t("name_hidden")
    badges = []
    if candidate.stuck:
        badges.append(el("span", t("stuck"), class_="badge urgent"))
    if candidate.contact:
        badges.append(el("span", t("may_contact"), class_="badge question"))
    step = t("all_steps_done")
    if candidate.next_step:
        step = t("step_open", step=candidate.next_step, days=candidate.open_days)
    status = candidate.recruiter_status
    if status in STATUSES:
        licence = el("span", t(f"licence_{status}"), class_=f"licence {status}")
        name = candidate.recruiter_name
        recruiter: object = [name, " ", licence] if name else licence
    else:
        recruiter = candidate.recruiter
    cells = [
        (t("name"), [person, *badges]),
        (t("place"), f"{candidate.desa}, {candidate.kecamatan}"),
        (t("country"), candidate.country),
        (t("recruiter"), recruiter),
        (t("steps"), f"{candidate.done}/{candidate.total}"),
        (t("next_step"), step),
    ]
    flagged = candidate.recruiter_status not in ("active", "none")
    return el(
        "tr",
        [el("td", value, data_label=label) for label, value in cells],
        class_=flagged and "hot",
    )
