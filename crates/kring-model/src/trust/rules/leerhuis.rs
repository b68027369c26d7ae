//! The leerhuis's rules (36–44, 50–53 in `docs/trust-rules.md`): who acts for a linked network, and
//! what a publication may hold. Every verdict reads the leerhuis as of the change's history, as
//! the other rules do; a laptop can check the shape of an aggregate and the n it states, not
//! whether the scores behind it were really so (it never sees them).

use automerge::ReadDoc;
use automerge::legacy::{Op, OpType};

use super::{Breach, OpContext, bytes_at, int_at, obj_at, scalar_int, str_at};
use crate::leerhuis::{MIN_GROUP, Voucher};
use crate::schema::*;
use crate::vocab::{Perspective, PublicationKind};

/// What only some kinds of publication hold: a reflection round's aggregates, a meeting's
/// attendance and date, a question's insights and cycles. A field of another kind is refused.
const REFLECTION_ONLY: [&str; 2] = [N, FACTORS];
const SESSION_ONLY: [&str; 3] = [STARTS_AT, ATTENDANCE, ATTENDANCE_FEW];
const QUESTION_ONLY: [&str; 2] = [INSIGHTS, CYCLES];

impl OpContext<'_> {
    /// Whether the change's device acts for `network` in this leerhuis: listed among its
    /// delegates as of the change's history.
    pub(super) fn delegate_of(&self, network: &str) -> bool {
        self.is_delegate(network, self.device)
    }

    /// Whether `device` is listed among `network`'s delegates, as of the change's history.
    fn is_delegate(&self, network: &str, device: &str) -> bool {
        let (doc, before) = (self.doc, self.before);
        self.obj(&[LINKS, network], before)
            .and_then(|link| obj_at(doc, &link, DELEGATES, before))
            .is_some_and(|delegates| doc.get_at(&delegates, device, before).ok().flatten().is_some())
    }

    /// A member admitted with a voucher (`members/<id>/voucher`, with `via`): signed by a
    /// delegate of `via` (as of the change's history) while that network is linked, for this
    /// leerhuis, not expired at the change's time, naming every device the new member lists,
    /// and giving no more than the role of a member.
    pub(super) fn voucher_admits(&self, member: &str, time_secs: i64) -> bool {
        let (doc, after) = (self.doc, self.after);
        let Some(record) = self.obj(&[MEMBERS, member], after) else { return false };
        let Some(voucher) = bytes_at(doc, &record, VOUCHER, after).and_then(|b| Voucher::from_bytes(&b)) else {
            return false;
        };
        let via = str_at(doc, &record, VIA, after).unwrap_or_default();
        let devices: Vec<String> =
            obj_at(doc, &record, DEVICES, after).map(|d| doc.keys_at(&d, after).collect()).unwrap_or_default();
        let role = str_at(doc, &record, ROLE, after);
        voucher.signed()
            && voucher.leerhuis == self.network
            && voucher.network == via
            && self.linked(&via)
            && self.is_delegate(&via, &voucher.signer)
            && voucher.expires_at > time_secs.saturating_mul(1000)
            && !devices.is_empty()
            && devices.iter().all(|device| voucher.devices.contains(device))
            && role.as_deref() == Some(crate::vocab::Role::Member.as_str())
    }

    /// Whom a leerhuis meeting is for (`sessions/<id>/open_to`, and a network in it): only in a
    /// leerhuis, and a network put there is linked into it (as of the change's history). Taking
    /// one out needs no link: a network that left may be taken off the list.
    pub(super) fn open_to(&self, place: &[&str], op: &Op) -> Result<(), Breach> {
        let kind = self.obj(&[NETWORK], self.before).and_then(|info| str_at(self.doc, &info, KIND, self.before));
        if kind.as_deref() != Some(crate::vocab::NetworkKind::Leerhuis.as_str()) {
            return Err(Breach::UnknownPlace);
        }
        match (place, &op.action) {
            ([_, _, _, network], OpType::Put(_)) if !self.linked(network) => Err(Breach::BadValue),
            _ => Ok(()),
        }
    }

    /// A network still linked (as of the change's history).
    fn linked(&self, network: &str) -> bool {
        self.obj(&[LINKS, network], self.before)
            .is_some_and(|link| self.doc.get_at(&link, LEFT_AT, self.before).ok().flatten().is_none())
    }

    /// Whether `member` of this leerhuis joined through a network (`via`, as of the change's
    /// history) that the change's device is a delegate of: removal from a linked network
    /// follows into the leerhuis, by that network's delegates.
    pub(super) fn removes_through_own_network(&self, member: &str) -> bool {
        let via = self.obj(&[MEMBERS, member], self.before).and_then(|m| str_at(self.doc, &m, VIA, self.before));
        via.is_some_and(|network| self.delegate_of(&network))
    }

    /// A publication made at `place` (`publications/<id>`): by a delegate of the network it
    /// names while that network is linked, whole, and holding only what its kind may.
    pub(super) fn publication(&self, place: &[&str]) -> Result<(), Breach> {
        let (doc, after) = (self.doc, self.after);
        let record = self.obj(place, after).ok_or(Breach::BadValue)?;
        let text = |key: &str| str_at(doc, &record, key, after);
        let from = text(FROM).ok_or(Breach::BadValue)?;
        if !self.delegate_of(&from) || !self.linked(&from) {
            return Err(Breach::NotADelegate);
        }
        let whole = [NETWORK_NAME, SOURCE, TITLE, PUBLISHED_BY].iter().all(|key| text(key).is_some())
            && int_at(doc, &record, PUBLISHED_AT, after).is_some()
            && int_at(doc, &record, VERSION, after).is_some();
        let kind: PublicationKind = text(KIND).and_then(|k| k.parse().ok()).ok_or(Breach::BadValue)?;
        if !whole {
            return Err(Breach::BadValue);
        }
        let holds = |key: &str| doc.get_at(&record, key, after).ok().flatten().is_some();
        let foreign: &[&str] = match kind {
            PublicationKind::Question => &[&REFLECTION_ONLY[..], &SESSION_ONLY[..]].concat(),
            PublicationKind::Session => &[&REFLECTION_ONLY[..], &QUESTION_ONLY[..]].concat(),
            PublicationKind::Reflection => &[&SESSION_ONLY[..], &QUESTION_ONLY[..], &[BODY][..]].concat(),
        };
        if foreign.iter().any(|key| holds(key)) {
            return Err(Breach::SharedTooMuch);
        }
        if kind == PublicationKind::Reflection {
            self.reflection_aggregates(&record, &from, &text(SOURCE).unwrap_or_default(), place[1])?;
        }
        Ok(())
    }

    /// A reflection round goes up once, as a whole group's figures: a number of scorers of at
    /// least five, and per factor a mean, a spread and an n no larger than it. (Two versions of
    /// one round could be differenced into one person's scores.)
    fn reflection_aggregates(
        &self,
        record: &automerge::ObjId,
        from: &str,
        round: &str,
        id: &str,
    ) -> Result<(), Breach> {
        let (doc, before, after) = (self.doc, self.before, self.after);
        let n = int_at(doc, record, N, after).ok_or(Breach::SharedTooMuch)?;
        let factors = obj_at(doc, record, FACTORS, after).ok_or(Breach::BadValue)?;
        let ids: Vec<String> = doc.keys_at(&factors, after).collect();
        let whole = !ids.is_empty()
            && ids.iter().all(|factor| {
                obj_at(doc, &factors, factor, after).is_some_and(|f| {
                    let stated = int_at(doc, &f, N, after);
                    let has = |key: &str| doc.get_at(&f, key, after).ok().flatten().is_some();
                    stated.is_some_and(|m| m <= n) && has(MEAN) && has(SPREAD)
                })
            });
        if !whole {
            return Err(Breach::SharedTooMuch);
        }
        let Some(publications) = obj_at(doc, &automerge::ROOT, PUBLICATIONS, before) else {
            return Ok(());
        };
        let published_before = doc.keys_at(&publications, before).filter(|other| other.as_str() != id).any(|other| {
            obj_at(doc, &publications, &other, before).is_some_and(|p| {
                str_at(doc, &p, FROM, before).as_deref() == Some(from)
                    && str_at(doc, &p, SOURCE, before).as_deref() == Some(round)
                    && str_at(doc, &p, KIND, before).as_deref() == Some(PublicationKind::Reflection.as_str())
            })
        });
        if published_before { Err(Breach::SharedTooMuch) } else { Ok(()) }
    }

    /// A publication withdrawn (`publications/<id>/withdrawn_at`): by a delegate of the network
    /// it came from, or a coordinator of the leerhuis.
    pub(super) fn withdrawal(&self, place: &[&str]) -> Result<(), Breach> {
        let record = self.obj(&place[..2], self.before).ok_or(Breach::BadValue)?;
        let from = str_at(self.doc, &record, FROM, self.before).unwrap_or_default();
        if self.coordinator || self.delegate_of(&from) { Ok(()) } else { Err(Breach::NotADelegate) }
    }

    /// A meeting's attendance for one perspective (`publications/<id>/attendance/<perspective>`):
    /// youth and parents as a number only where at least five were there.
    pub(super) fn small_group(&self, place: &[&str], op: &Op) -> Result<(), Breach> {
        let youth = place[3] == Perspective::YouthParent.as_str();
        let count = match &op.action {
            OpType::Put(value) => scalar_int(value),
            _ => None,
        };
        match count {
            Some(n) if youth && n < MIN_GROUP as i64 => Err(Breach::SharedTooMuch),
            Some(_) => Ok(()),
            None => Err(Breach::BadValue),
        }
    }
}
