"""Registries under `content/data/` that actions read: contacts, agencies, jobs, offer rules,
the kecamatan and desa of the kabupaten, the checklist of the official route; and the
actions' wording (`content/wording.yaml`), replaced with them on a reload."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.action_wording import ActionWording
from bot.data.advert_rules import AdvertRules
from bot.data.agencies import AgencyRegistry
from bot.data.checklist import Checklist
from bot.data.contacts import ContactBook
from bot.data.jobs import JobBoard
from bot.data.offer_rules import OfferRules
from bot.data.vocabulary import Vocabulary
from bot.data.wilayah import Wilayah


@dataclass(frozen=True, slots=True)
class ContentData:
    """All loaded data registries, replaced as a whole when content reloads.

    Only the contacts are required; a registry whose file is absent stays empty,
    and `check-content` refuses actions that need it.
    """

    contacts: ContactBook
    agencies: AgencyRegistry = field(default_factory=AgencyRegistry)
    jobs: JobBoard = field(default_factory=JobBoard)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    offer_rules: OfferRules | None = None
    advert_rules: AdvertRules | None = None
    wilayah: Wilayah | None = None
    checklist: Checklist | None = None
    wording: ActionWording = field(default_factory=ActionWording)

    def kecamatan_names(self) -> tuple[str, ...]:
        """The kecamatan of Kabupaten Serang (content/data/wilayah.yaml), in its order: the one
        list that reports, alerts, roles and statistics share; none without that file."""
        return tuple(self.wilayah.names()) if self.wilayah else ()
