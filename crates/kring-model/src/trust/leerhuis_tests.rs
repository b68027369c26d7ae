//! The leerhuis's rules (36–44), tested against changes a modified client could write: only a
//! leerhuis coordinator links a network, only a network's delegates act for it, and a
//! publication holds only what its kind may (a reflection round as figures of five or more,
//! youth and parents at a meeting as a number only from five on).

use automerge::{AutoCommit, Change, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value, transaction::Transactable};

use super::proof_key;
use super::tests::{Laptop, verdict, written};
use super::{Breach, RuleBook};
use crate::leerhuis::{FactorSummary, NewPublication, Voucher};
use crate::schema::*;
use crate::{
    FactorId, MemberId, Network, NetworkDetails, NetworkId, NetworkKind, NetworkToLink, NewInvite, Profile,
    PublicationKind, Role,
};

/// A leerhuis Lotte coordinates, with two linked networks: "PLG Rekenen" (Anna its delegate)
/// and "Jeugdzorg Noord" (Dirk its delegate); Cas is a member of the leerhuis directly.
struct Leerhuis {
    doc: AutoCommit,
    lotte: (MemberId, Laptop),
    anna: (MemberId, Laptop),
    cas: (MemberId, Laptop),
    dirk: (MemberId, Laptop),
    plg: NetworkId,
    jeugdzorg: NetworkId,
}

fn leerhuis() -> Leerhuis {
    let (l, a, c, d) = (Laptop::new(11), Laptop::new(1), Laptop::new(3), Laptop::new(4));
    let details = NetworkDetails { name: "Leerhuis Jeugd".into(), kind: NetworkKind::Leerhuis, ..Default::default() };
    let (mut network, lotte) = Network::create(&details, &Profile::new("Lotte"), &l.key).unwrap();
    let cas = network.add_member(&lotte, &Profile::new("Cas"), Role::Member, Some(&c.key)).unwrap();
    let (plg, jeugdzorg) = (NetworkId::random(), NetworkId::random());
    let mut link = |name: &str, laptop: &Laptop, network_id: &NetworkId| {
        let ticket =
            NewInvite { secret_hash: "hash".into(), role: Role::Member, expires_at: i64::MAX / 2, max_uses: 1 };
        let invite = network.create_link_invite(&lotte, &ticket).unwrap();
        let linked = NetworkToLink {
            id: network_id.clone(),
            name: name.into(),
            delegates: vec![laptop.device.clone()],
            below: Vec::new(),
        };
        let profile = Profile::new(name);
        network.link_network(&lotte, &invite, "hash", &profile, &MemberId::random(), &laptop.key, &linked).unwrap()
    };
    let anna = link("PLG Rekenen", &a, &plg);
    let dirk = link("Jeugdzorg Noord", &d, &jeugdzorg);
    Leerhuis {
        doc: network.into_doc(),
        lotte: (lotte, l),
        anna: (anna, a),
        cas: (cas, c),
        dirk: (dirk, d),
        plg,
        jeugdzorg,
    }
}

/// A reflection round of `n` scorers as a network would share it.
fn round_of(from: &NetworkId, n: u64) -> NewPublication {
    let summary = FactorSummary { name: "Vertrouwen".into(), mean: 3.8, spread: 0.75, n };
    NewPublication {
        from: from.clone(),
        network_name: "PLG Rekenen".into(),
        kind: PublicationKind::Reflection,
        source: "ronde-1".into(),
        title: "Ronde najaar".into(),
        n: Some(n),
        factors: [(FactorId::new("trust"), summary)].into(),
        ..NewPublication::default()
    }
}

fn question_of(from: &NetworkId) -> NewPublication {
    NewPublication {
        from: from.clone(),
        network_name: "PLG Rekenen".into(),
        kind: PublicationKind::Question,
        source: "vraag-1".into(),
        title: "Hoe geven we feedback die leerlingen lezen?".into(),
        body: "We proberen korte feedback in de les.".into(),
        ..NewPublication::default()
    }
}

/// The change `by` (member) writes on `laptop` publishing `new`, acting as `device` (a
/// modified client lies about which device it is; the change still carries its own).
fn publishing(l: &Leerhuis, by: &MemberId, laptop: &Laptop, device: &str, new: &NewPublication) -> Change {
    let mut network = Network::from_doc(l.doc.clone()).unwrap();
    network.set_device(&laptop.device);
    let before = network.heads();
    network.publish(by, device, new).unwrap();
    network.doc_mut().get_changes(&before).pop().unwrap()
}

fn obj(doc: &AutoCommit, path: &[&str]) -> ObjId {
    path.iter().fold(ROOT, |parent, key| match doc.get(&parent, *key).unwrap() {
        Some((Value::Object(_), id)) => id,
        other => panic!("no object at {path:?}: {other:?}"),
    })
}

/// A publication written with raw operations by `laptop`: the fields an honest one has, then
/// `more`.
fn raw_publication(
    l: &Leerhuis,
    by: &MemberId,
    laptop: &Laptop,
    kind: &str,
    more: impl FnOnce(&mut AutoCommit, &ObjId),
) -> Change {
    written(&l.doc, &laptop.device, |doc| {
        let publications = obj(doc, &[PUBLICATIONS]);
        let record = doc.put_object(&publications, "pub-raw", ObjType::Map).unwrap();
        for (key, value) in [
            (FROM, l.plg.as_str()),
            (NETWORK_NAME, "PLG Rekenen"),
            (KIND, kind),
            (SOURCE, "bron-1"),
            (SOURCE_HEADS, ""),
            (TITLE, "Titel"),
            (PUBLISHED_BY, by.as_str()),
        ] {
            doc.put(&record, key, value).unwrap();
        }
        doc.put(&record, VERSION, 1_i64).unwrap();
        doc.put(&record, PUBLISHED_AT, 1_765_000_000_000_i64).unwrap();
        more(doc, &record);
    })
    .unwrap()
}

/// `l`'s document with `change` applied and accepted.
fn with(l: &Leerhuis, change: Change) -> AutoCommit {
    let mut doc = l.doc.clone();
    doc.apply_changes([change.clone()]).unwrap();
    RuleBook::default().check(&doc, &[change], false).unwrap();
    doc
}

#[test]
fn only_a_delegate_publishes_for_a_network_and_only_while_it_is_linked() {
    let l = leerhuis();
    let (anna, anna_laptop) = &l.anna;
    let honest = publishing(&l, anna, anna_laptop, &anna_laptop.device, &question_of(&l.plg));
    assert_eq!(verdict(&l.doc, &honest), Ok(()), "Anna publishes for her PLG");

    // Cas, a member of the leerhuis but no delegate, claims Anna's device: his change is his.
    let (cas, cas_laptop) = &l.cas;
    let cas_publishes = publishing(&l, cas, cas_laptop, &anna_laptop.device, &question_of(&l.plg));
    assert_eq!(verdict(&l.doc, &cas_publishes), Err(Breach::NotADelegate));
    // Anna publishes in the name of the other network.
    let dirk_device = l.dirk.1.device.clone();
    let for_other = publishing(&l, anna, anna_laptop, &dirk_device, &question_of(&l.jeugdzorg));
    assert_eq!(verdict(&l.doc, &for_other), Err(Breach::NotADelegate));

    // Once the PLG left the leerhuis, its delegate publishes no more.
    let left = written(&l.doc, &anna_laptop.device, |doc| {
        let link = obj(doc, &[LINKS, l.plg.as_str()]);
        doc.put(&link, LEFT_AT, 1_765_000_000_000_i64).unwrap();
    })
    .unwrap();
    let after_leaving = Leerhuis { doc: with(&l, left), ..leerhuis_with_keys(&l) };
    let again = raw_publication(&after_leaving, anna, anna_laptop, "question", |_, _| {});
    assert_eq!(verdict(&l.doc, &raw_publication(&l, anna, anna_laptop, "question", |_, _| {})), Ok(()));
    assert_eq!(verdict(&after_leaving.doc, &again), Err(Breach::NotADelegate));
}

#[test]
fn a_network_is_linked_only_by_a_leerhuis_coordinator_and_its_delegates_change_only_its_own() {
    let l = leerhuis();
    let some_network = NetworkId::random();
    let link = |laptop: &Laptop, by: &MemberId| {
        written(&l.doc, &laptop.device, |doc| {
            let links = obj(doc, &[LINKS]);
            let record = doc.put_object(&links, some_network.as_str(), ObjType::Map).unwrap();
            doc.put(&record, NAME, "Eigen netwerk").unwrap();
            doc.put(&record, LINKED_AT, 1_i64).unwrap();
            doc.put(&record, LINKED_BY, by.as_str()).unwrap();
            doc.put_object(&record, DELEGATES, ObjType::Map).unwrap();
        })
        .unwrap()
    };
    assert_eq!(verdict(&l.doc, &link(&l.lotte.1, &l.lotte.0)), Ok(()));
    assert!(matches!(verdict(&l.doc, &link(&l.cas.1, &l.cas.0)), Err(Breach::CoordinatorOnly(_))));
    assert!(matches!(verdict(&l.doc, &link(&l.anna.1, &l.anna.0)), Err(Breach::CoordinatorOnly(_))));

    // A delegate adds a device to her own network's delegates, never to another's.
    let add_delegate = |network: &NetworkId| {
        written(&l.doc, &l.anna.1.device, |doc| {
            let delegates = obj(doc, &[LINKS, network.as_str(), DELEGATES]);
            doc.put(&delegates, Laptop::new(21).device.as_str(), 1_i64).unwrap();
        })
        .unwrap()
    };
    assert_eq!(verdict(&l.doc, &add_delegate(&l.plg)), Ok(()));
    assert_eq!(verdict(&l.doc, &add_delegate(&l.jeugdzorg)), Err(Breach::NotADelegate));

    // What a document is never changes.
    let rekind = written(&l.doc, &l.lotte.1.device, |doc| {
        let info = obj(doc, &[NETWORK]);
        doc.put(&info, KIND, "network").unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&l.doc, &rekind), Err(Breach::Rewritten));
}

#[test]
fn a_reflection_round_goes_up_once_and_only_as_figures_of_five_or_more() {
    let l = leerhuis();
    let (anna, laptop) = &l.anna;
    let five = publishing(&l, anna, laptop, &laptop.device, &round_of(&l.plg, 5));
    assert_eq!(verdict(&l.doc, &five), Ok(()), "five scorers: shared");

    let factor = |n: i64, mean: f64| {
        move |doc: &mut AutoCommit, record: &ObjId| {
            doc.put(record, N, n).unwrap();
            let factors = doc.put_object(record, FACTORS, ObjType::Map).unwrap();
            let trust = doc.put_object(&factors, "trust", ObjType::Map).unwrap();
            doc.put(&trust, NAME, "Vertrouwen").unwrap();
            doc.put(&trust, MEAN, mean).unwrap();
            doc.put(&trust, SPREAD, 0.5).unwrap();
            doc.put(&trust, N, n).unwrap();
        }
    };
    let reflection = PublicationKind::Reflection.as_str();
    assert_eq!(verdict(&l.doc, &raw_publication(&l, anna, laptop, reflection, factor(5, 3.5))), Ok(()));
    let four = raw_publication(&l, anna, laptop, reflection, factor(4, 3.5));
    assert_eq!(verdict(&l.doc, &four), Err(Breach::BadValue), "four scorers");
    let not_a_mean = raw_publication(&l, anna, laptop, reflection, factor(5, 9.0));
    assert_eq!(verdict(&l.doc, &not_a_mean), Err(Breach::BadValue));
    let with_comment = raw_publication(&l, anna, laptop, reflection, |doc, record| {
        factor(5, 3.5)(doc, record);
        let comments = doc.put_object(record, COMMENTS, ObjType::Map).unwrap();
        doc.put(&comments, "m1/trust", "Bram vindt het lastig").unwrap();
    });
    assert_eq!(verdict(&l.doc, &with_comment), Err(Breach::UnknownPlace), "no comments");
    let with_text = raw_publication(&l, anna, laptop, reflection, |doc, record| {
        factor(5, 3.5)(doc, record);
        doc.put(record, BODY, "Bram gaf een 1").unwrap();
    });
    assert_eq!(verdict(&l.doc, &with_text), Err(Breach::SharedTooMuch), "no text beside the figures");
    let no_figures = raw_publication(&l, anna, laptop, reflection, |_, _| {});
    assert_eq!(verdict(&l.doc, &no_figures), Err(Breach::SharedTooMuch));
    let factor_beyond_n = raw_publication(&l, anna, laptop, reflection, |doc, record| {
        factor(5, 3.5)(doc, record);
        doc.put(record, N, 6_i64).unwrap();
        let trust = obj(doc, &["publications", "pub-raw", FACTORS, "trust"]);
        doc.put(&trust, N, 7_i64).unwrap();
    });
    assert_eq!(verdict(&l.doc, &factor_beyond_n), Err(Breach::SharedTooMuch));
    let figures_on_a_question = raw_publication(&l, anna, laptop, "question", factor(5, 3.5));
    assert_eq!(verdict(&l.doc, &figures_on_a_question), Err(Breach::SharedTooMuch));

    // The same round again: two versions could be differenced into one person's scores.
    let shared = Leerhuis { doc: with(&l, five), ..leerhuis_with_keys(&l) };
    let mut network = Network::from_doc(shared.doc.clone()).unwrap();
    network.set_device(&laptop.device);
    assert!(network.publish(anna, &laptop.device, &round_of(&shared.plg, 5)).is_err(), "the model refuses");
    let twice = raw_publication(&shared, anna, laptop, reflection, |doc, record| {
        factor(5, 3.5)(doc, record);
        doc.put(record, SOURCE, "ronde-1").unwrap();
    });
    assert_eq!(verdict(&shared.doc, &twice), Err(Breach::SharedTooMuch));
}

/// The same people and networks as `l`, for a document that grew from it.
fn leerhuis_with_keys(l: &Leerhuis) -> Leerhuis {
    let again = |seed: u8| Laptop::new(seed);
    Leerhuis {
        doc: l.doc.clone(),
        lotte: (l.lotte.0.clone(), again(11)),
        anna: (l.anna.0.clone(), again(1)),
        cas: (l.cas.0.clone(), again(3)),
        dirk: (l.dirk.0.clone(), again(4)),
        plg: l.plg.clone(),
        jeugdzorg: l.jeugdzorg.clone(),
    }
}

#[test]
fn youth_and_parents_at_a_meeting_are_a_number_only_from_five() {
    let l = leerhuis();
    let (anna, laptop) = &l.anna;
    let attendance = |youth: i64, few: bool| {
        move |doc: &mut AutoCommit, record: &ObjId| {
            let counts = doc.put_object(record, ATTENDANCE, ObjType::Map).unwrap();
            doc.put(&counts, "teacher", 2_i64).unwrap();
            if youth > 0 {
                doc.put(&counts, "youth-parent", youth).unwrap();
            }
            let small = doc.put_object(record, ATTENDANCE_FEW, ObjType::Map).unwrap();
            if few {
                doc.put(&small, "youth-parent", true).unwrap();
            }
        }
    };
    let session = PublicationKind::Session.as_str();
    assert_eq!(verdict(&l.doc, &raw_publication(&l, anna, laptop, session, attendance(5, false))), Ok(()));
    assert_eq!(verdict(&l.doc, &raw_publication(&l, anna, laptop, session, attendance(0, true))), Ok(()), "<5");
    let three = raw_publication(&l, anna, laptop, session, attendance(3, false));
    assert_eq!(verdict(&l.doc, &three), Err(Breach::SharedTooMuch));
    let unknown = raw_publication(&l, anna, laptop, session, |doc, record| {
        let counts = doc.put_object(record, ATTENDANCE, ObjType::Map).unwrap();
        doc.put(&counts, "Bram", 1_i64).unwrap();
    });
    assert_eq!(verdict(&l.doc, &unknown), Err(Breach::UnknownPlace), "per perspective, never per person");
}

#[test]
fn a_publication_is_withdrawn_by_its_networks_delegate_or_a_coordinator_and_stays_withdrawn() {
    let l = leerhuis();
    let (anna, laptop) = &l.anna;
    let published = publishing(&l, anna, laptop, &laptop.device, &question_of(&l.plg));
    let l = Leerhuis { doc: with(&l, published), ..leerhuis_with_keys(&l) };
    let id = {
        let publications = obj(&l.doc, &[PUBLICATIONS]);
        l.doc.keys(&publications).next().unwrap()
    };
    let withdraw = |laptop: &Laptop| {
        written(&l.doc, &laptop.device, |doc| {
            let record = obj(doc, &[PUBLICATIONS, id.as_str()]);
            doc.put(&record, WITHDRAWN_AT, 1_765_000_000_000_i64).unwrap();
        })
        .unwrap()
    };
    assert_eq!(verdict(&l.doc, &withdraw(&l.anna.1)), Ok(()), "its delegate");
    assert_eq!(verdict(&l.doc, &withdraw(&l.lotte.1)), Ok(()), "the leerhuis's coordinator");
    assert_eq!(verdict(&l.doc, &withdraw(&l.cas.1)), Err(Breach::NotADelegate));
    assert_eq!(verdict(&l.doc, &withdraw(&l.dirk.1)), Err(Breach::NotADelegate), "another network's delegate");

    let withdrawn = Leerhuis { doc: with(&l, withdraw(&l.anna.1)), ..leerhuis_with_keys(&l) };
    let undone = written(&withdrawn.doc, &withdrawn.anna.1.device, |doc| {
        let record = obj(doc, &[PUBLICATIONS, id.as_str()]);
        doc.delete(&record, WITHDRAWN_AT).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&withdrawn.doc, &undone), Err(Breach::Rewritten));
    // Nothing of the copy can be changed afterwards either.
    let edited = written(&withdrawn.doc, &withdrawn.anna.1.device, |doc| {
        let record = obj(doc, &[PUBLICATIONS, id.as_str()]);
        doc.put(&record, TITLE, ScalarValue::from("Nieuwe titel")).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&withdrawn.doc, &edited), Err(Breach::Rewritten));
}

/// Bram (a member of the PLG, on laptop 2) joining the leerhuis on `admitting`'s laptop with
/// `voucher`, written with raw operations as the honest laptop writes it.
fn voucher_join(l: &Leerhuis, admitting: &Laptop, voucher: Option<&Voucher>, via: &NetworkId) -> Change {
    let bram = Laptop::new(2);
    let member = "bram-in-leerhuis";
    let network = network_id(&l.doc);
    // Made now: a voucher's expiry is checked against the time of the change that uses it.
    let mut doc = l.doc.clone().with_actor(super::actor_for_device(&admitting.device));
    {
        let doc = &mut doc;
        let members = obj(doc, &[MEMBERS]);
        let record = doc.put_object(&members, member, ObjType::Map).unwrap();
        for (key, value) in [(NAME, "Bram"), (PERSPECTIVE, "teacher"), (ORGANISATION, ""), (ROLE, "member")] {
            doc.put(&record, key, value).unwrap();
        }
        let devices = doc.put_object(&record, DEVICES, ObjType::Map).unwrap();
        doc.put(&devices, bram.device.as_str(), 1_765_000_000_000_i64).unwrap();
        doc.put(&record, JOINED_AT, 1_765_000_000_000_i64).unwrap();
        doc.put(&record, proof_key(&bram.device), ScalarValue::Bytes(bram.proof(&network, member))).unwrap();
        doc.put(&record, VIA, via.as_str()).unwrap();
        if let Some(voucher) = voucher {
            doc.put(&record, VOUCHER, ScalarValue::Bytes(voucher.to_bytes())).unwrap();
        }
    }
    let now = jiff::Timestamp::now().as_second();
    let hash = doc.commit_with(automerge::transaction::CommitOptions::default().with_time(now)).unwrap();
    doc.get_change_by_hash(&hash).unwrap()
}

fn network_id(doc: &AutoCommit) -> String {
    let info = obj(doc, &[NETWORK]);
    match doc.get(&info, ID).unwrap() {
        Some((Value::Scalar(id), _)) => id.as_str().unwrap().to_string(),
        other => panic!("no network id: {other:?}"),
    }
}

#[test]
fn a_member_of_a_linked_network_joins_with_a_delegates_voucher_and_nobody_else_does() {
    let l = leerhuis();
    let leerhuis_id = network_id(&l.doc);
    let bram = Laptop::new(2).device;
    let later = i64::MAX / 4;
    let issue = |key: &ed25519_dalek::SigningKey, leerhuis: &str, network: &NetworkId, devices: &[String], until| {
        Voucher::issue(key, leerhuis, network.as_str(), devices, until)
    };
    let good = issue(&l.anna.1.key, &leerhuis_id, &l.plg, std::slice::from_ref(&bram), later);
    // Admitted on Lotte's laptop, or on Cas's: any leerhuis laptop lets a voucher's holder in.
    assert_eq!(verdict(&l.doc, &voucher_join(&l, &l.lotte.1, Some(&good), &l.plg)), Ok(()));
    assert_eq!(verdict(&l.doc, &voucher_join(&l, &l.cas.1, Some(&good), &l.plg)), Ok(()));

    let refused =
        |voucher: Option<&Voucher>, via: &NetworkId| verdict(&l.doc, &voucher_join(&l, &l.cas.1, voucher, via));
    assert_eq!(refused(None, &l.plg), Err(Breach::BadInvite), "no voucher");
    let by_cas = issue(&l.cas.1.key, &leerhuis_id, &l.plg, std::slice::from_ref(&bram), later);
    assert_eq!(refused(Some(&by_cas), &l.plg), Err(Breach::BadInvite), "signed by no delegate");
    let by_other_delegate = issue(&l.dirk.1.key, &leerhuis_id, &l.plg, std::slice::from_ref(&bram), later);
    assert_eq!(refused(Some(&by_other_delegate), &l.plg), Err(Breach::BadInvite), "another network's delegate");
    let expired = issue(&l.anna.1.key, &leerhuis_id, &l.plg, std::slice::from_ref(&bram), 1_000);
    assert_eq!(refused(Some(&expired), &l.plg), Err(Breach::BadInvite), "expired");
    let elsewhere = issue(&l.anna.1.key, "another-leerhuis", &l.plg, std::slice::from_ref(&bram), later);
    assert_eq!(refused(Some(&elsewhere), &l.plg), Err(Breach::BadInvite), "for another leerhuis");
    let someone_else = issue(&l.anna.1.key, &leerhuis_id, &l.plg, &[Laptop::new(9).device], later);
    assert_eq!(refused(Some(&someone_else), &l.plg), Err(Breach::BadInvite), "for other devices");
    assert_eq!(refused(Some(&good), &l.jeugdzorg), Err(Breach::BadInvite), "through another network");
    let mut forged = good.clone();
    forged.expires_at += 1;
    assert_eq!(refused(Some(&forged), &l.plg), Err(Breach::BadInvite), "changed after signing");
}

#[test]
fn removal_from_a_linked_network_follows_into_the_leerhuis_by_its_delegates_only() {
    let l = leerhuis();
    let bram = Laptop::new(2);
    let voucher = Voucher::issue(
        &l.anna.1.key,
        &network_id(&l.doc),
        l.plg.as_str(),
        std::slice::from_ref(&bram.device),
        i64::MAX / 4,
    );
    let mut network = Network::from_doc(l.doc.clone()).unwrap();
    network.set_device(&l.lotte.1.device);
    let bram_there =
        network.join_with_voucher(&l.lotte.0, &voucher, &Profile::new("Bram"), &MemberId::random(), &bram.key);
    let bram_there = bram_there.unwrap();
    let joined = Leerhuis { doc: network.into_doc(), ..leerhuis_with_keys(&l) };

    let remove = |laptop: &Laptop, member: &MemberId| {
        written(&joined.doc, &laptop.device, |doc| {
            let record = obj(doc, &[MEMBERS, member.as_str()]);
            doc.put(&record, REMOVED_AT, 1_765_000_000_000_i64).unwrap();
        })
        .unwrap()
    };
    assert_eq!(verdict(&joined.doc, &remove(&joined.anna.1, &bram_there)), Ok(()), "the PLG's delegate");
    let by_dirk = verdict(&joined.doc, &remove(&joined.dirk.1, &bram_there));
    assert!(matches!(by_dirk, Err(Breach::CoordinatorOnly(_))), "another network's delegate: {by_dirk:?}");
    let cas = verdict(&joined.doc, &remove(&joined.anna.1, &joined.cas.0));
    assert!(matches!(cas, Err(Breach::CoordinatorOnly(_))), "a member who joined directly: {cas:?}");

    // The model does the same: Bram's laptop no longer listed among the PLG's members.
    let mut network = Network::from_doc(joined.doc.clone()).unwrap();
    network.set_device(&joined.anna.1.device);
    let current = std::collections::BTreeSet::from([joined.anna.1.device.clone()]);
    let removed = network.follow_removals(&joined.anna.0, &joined.anna.1.device, &joined.plg, &current).unwrap();
    assert_eq!(removed, std::slice::from_ref(&bram_there));
    let snapshot = network.snapshot().unwrap();
    assert!(!snapshot.members[&bram_there].is_current());
    assert!(snapshot.members[&joined.cas.0].is_current(), "who joined directly stays");
}

/// A meeting `by` plans on `laptop` in `doc`, written with raw operations: its title, and an
/// `open_to` map naming `networks` (no map at all with `None`).
fn meeting_open_to(doc: &AutoCommit, laptop: &Laptop, by: &MemberId, networks: Option<&[&str]>) -> Change {
    written(doc, &laptop.device, |doc| {
        let sessions = obj(doc, &[SESSIONS]);
        let record = doc.put_object(&sessions, "joint-1", ObjType::Map).unwrap();
        doc.put(&record, TITLE, "Leerhuisdag werkplezier").unwrap();
        doc.put(&record, CREATED_BY, by.as_str()).unwrap();
        if let Some(networks) = networks {
            let open_to = doc.put_object(&record, OPEN_TO, ObjType::Map).unwrap();
            for network in networks {
                doc.put(&open_to, *network, true).unwrap();
            }
        }
    })
    .unwrap()
}

#[test]
fn only_a_leerhuis_coordinator_chooses_the_linked_networks_a_meeting_is_for() {
    let l = leerhuis();
    let (plg, jeugdzorg) = (l.plg.as_str(), l.jeugdzorg.as_str());
    let (lotte, lotte_laptop) = &l.lotte;
    let honest = meeting_open_to(&l.doc, lotte_laptop, lotte, Some(&[plg]));
    assert_eq!(verdict(&l.doc, &honest), Ok(()), "the leerhuis's coordinator, for the PLG only");
    // Whoever plans a meeting makes its map, empty: for everyone.
    let (cas, cas_laptop) = &l.cas;
    assert_eq!(verdict(&l.doc, &meeting_open_to(&l.doc, cas_laptop, cas, Some(&[]))), Ok(()));

    // A plain member, and a delegate (a member of the leerhuis, not its coordinator), choose nothing.
    let by_cas = verdict(&l.doc, &meeting_open_to(&l.doc, cas_laptop, cas, Some(&[plg])));
    assert_eq!(by_cas, Err(Breach::CoordinatorOnly(super::CoordinatorAction::JointMeetings)));
    let (anna, anna_laptop) = &l.anna;
    let by_anna = verdict(&l.doc, &meeting_open_to(&l.doc, anna_laptop, anna, Some(&[plg, jeugdzorg])));
    assert_eq!(by_anna, Err(Breach::CoordinatorOnly(super::CoordinatorAction::JointMeetings)));
    // Only networks linked into the leerhuis.
    let elsewhere = NetworkId::random();
    let unlinked = meeting_open_to(&l.doc, lotte_laptop, lotte, Some(&[elsewhere.as_str()]));
    assert_eq!(verdict(&l.doc, &unlinked), Err(Breach::BadValue), "a network not linked");

    // Later, in a meeting that has its map: the coordinator changes it, nobody else does.
    let planned = Leerhuis { doc: with(&l, honest), ..leerhuis_with_keys(&l) };
    let choose = |laptop: &Laptop, network: &str| {
        written(&planned.doc, &laptop.device, |doc| {
            let open_to = obj(doc, &[SESSIONS, "joint-1", OPEN_TO]);
            doc.put(&open_to, network, true).unwrap();
        })
        .unwrap()
    };
    assert_eq!(verdict(&planned.doc, &choose(&planned.lotte.1, jeugdzorg)), Ok(()));
    assert!(matches!(verdict(&planned.doc, &choose(&planned.cas.1, jeugdzorg)), Err(Breach::CoordinatorOnly(_))));
    let back_to_all = written(&planned.doc, &planned.lotte.1.device, |doc| {
        let open_to = obj(doc, &[SESSIONS, "joint-1", OPEN_TO]);
        doc.delete(&open_to, plg).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&planned.doc, &back_to_all), Ok(()), "open to all again");
    // A map made after its meeting could hide a colleague's choice.
    let bare = Leerhuis { doc: with(&l, meeting_open_to(&l.doc, lotte_laptop, lotte, None)), ..leerhuis_with_keys(&l) };
    let late = written(&bare.doc, &bare.lotte.1.device, |doc| {
        let meeting = obj(doc, &[SESSIONS, "joint-1"]);
        doc.put_object(&meeting, OPEN_TO, ObjType::Map).unwrap();
    })
    .unwrap();
    assert_eq!(verdict(&bare.doc, &late), Err(Breach::RecordReplaced));

    // In an ordinary network there is nothing to choose: a modified coordinator's laptop
    // writing it is refused, however it names a network.
    let details = NetworkDetails { name: "PLG Lezen".into(), ..Default::default() };
    let (network, anna_there) = Network::create(&details, &Profile::new("Anna"), &anna_laptop.key).unwrap();
    let ordinary = network.into_doc();
    let in_ordinary = meeting_open_to(&ordinary, anna_laptop, &anna_there, Some(&[plg]));
    assert_eq!(verdict(&ordinary, &in_ordinary), Err(Breach::UnknownPlace));
    let empty_in_ordinary = meeting_open_to(&ordinary, anna_laptop, &anna_there, Some(&[]));
    assert_eq!(verdict(&ordinary, &empty_in_ordinary), Err(Breach::UnknownPlace));
    // The honest model writes no map there, and the same meeting without one is fine.
    assert_eq!(verdict(&ordinary, &meeting_open_to(&ordinary, anna_laptop, &anna_there, None)), Ok(()));
}
