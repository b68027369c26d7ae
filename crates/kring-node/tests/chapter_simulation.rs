//! Random meetings of four laptops, each with its real store on disk, while the coordinator
//! removes one member and begins a new chapter at a random moment: laptops type at random
//! places in the same notes (into each other's words too), offline, and sync in random pairs
//! (taking the new chapter from whoever has it). The removed member's laptop never learns of
//! it and keeps typing and syncing with whoever is still in the old chapter. Once the others
//! have met each other, all are on the same chapter with the same network; every character a
//! current member typed is in it exactly once, in the order its laptop had it before it
//! switched; and of the removed member's characters only those the new chapter began with.
//! Every device types its own alphabet, so each character's author is known.
//!
//! And: two coordinators each begin a chapter while the others type and meet at random; once
//! all have met, all are on the same one of the two, with every character each laptop typed
//! exactly once (when both began from all of chapter 1; when they begin at any moment, every
//! character typed on a chapter 2). Beside them, single cases: a laptop three chapters behind, and a hand-off by a
//! coordinator demoted before the chapter ended.

use std::collections::BTreeMap;

use iroh::SecretKey;
use kring_model::automerge::AutoCommit;
use kring_model::{CarriedOver, MemberId, Network, NetworkDetails, Profile, Role, TextField};
use kring_node::OpenNetwork;
use kring_node::chapters;
use kring_store::DataDir;
use kring_sync::chain::ChainError;
use kring_sync::{Event, Handoff, Library, Message, NextChapter, PeerConnection, Replica};
use proptest::prelude::*;

/// One laptop: its data folder, and the network as its node would hold it.
struct Laptop {
    _dir: tempfile::TempDir,
    data: DataDir,
    open: Option<OpenNetwork>,
    device: String,
    states: BTreeMap<String, Vec<u8>>,
    /// The characters this laptop types, and the notes it types them in.
    alphabet: &'static str,
    notes: TextField,
    /// Its own characters in the notes, in order, as it had them just before it switched.
    before_switch: Option<String>,
    /// How often it left a chapter begun beside another for the other, and gave its own.
    lost_to_a_sibling: usize,
    won_over_a_sibling: usize,
}

impl Laptop {
    fn open(&mut self) -> &mut OpenNetwork {
        self.open.as_mut().expect("the network is open")
    }

    fn key(&self) -> SecretKey {
        self.data.device_key().clone()
    }
}

impl Library for Laptop {
    fn document(&mut self, _network: &str) -> Option<&mut AutoCommit> {
        Some(self.open().network.doc_mut())
    }

    fn replica(&mut self, _network: &str) -> Option<Replica<'_>> {
        let key = self.data.device_key();
        let open = self.open.as_mut()?;
        Some(Replica { doc: open.network.doc_mut(), signatures: &mut open.signatures, rules: &mut open.rules, key })
    }

    fn may_sync(&mut self, _network: &str, device: &str) -> bool {
        self.open().member_for_device(device).ok().flatten().is_some()
    }

    fn saved_sync_state(&mut self, _network: &str, device: &str) -> Option<Vec<u8>> {
        self.states.get(device).cloned()
    }

    fn restore_saved(&mut self, _network: &str) {
        panic!("honest laptops never send what Automerge cannot apply");
    }

    fn chapter(&mut self, _network: &str) -> Option<String> {
        Some(self.open().network.chapter_id())
    }

    fn chain(&mut self, _network: &str) -> Vec<Handoff> {
        self.open().chain().to_vec()
    }

    fn next_chapter(&mut self, _network: &str) -> Option<NextChapter> {
        let key = self.key();
        chapters::way(self.open(), &key)
    }

    fn take_next_chapter(&mut self, _network: &str, _from: &str, next: NextChapter) -> Result<CarriedOver, String> {
        let device = self.device.clone();
        let field = self.notes.clone();
        let notes = self.open().network.text(&field).unwrap();
        self.before_switch = Some(notes.chars().filter(|c| self.alphabet.contains(*c)).collect());
        let checked = chapters::check(self.open(), next, &device, None).map_err(|e| e.to_string())?;
        let open = self.open.take().expect("open");
        let (switched, carried) = chapters::take(open, checked, &device).map_err(|e| e.to_string())?;
        self.open = Some(switched);
        self.states.clear();
        Ok(carried)
    }
}

/// What each laptop types: Anna (coordinator), Bram, Cor, and Dirk, whom Anna removes.
const ALPHABETS: [&str; 4] = ["abcd", "абвг", "αβγδ", "ᚠᚢᚦᚨ"];
const DIRK: usize = 3;

/// Anna (coordinator) and three members, each holding the network with one meeting whose notes
/// begin with characters nobody types.
fn four_laptops() -> (Vec<Laptop>, TextField, MemberId) {
    let (laptops, notes, members) = four_laptops_with(Role::Member);
    (laptops, notes, members[DIRK].clone())
}

/// As [`four_laptops`], with Bram in `bram`'s role; gives every member's id.
fn four_laptops_with(bram: Role) -> (Vec<Laptop>, TextField, Vec<MemberId>) {
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let datas: Vec<DataDir> = dirs.iter().map(|d| DataDir::open(d.path()).unwrap()).collect();
    let details = NetworkDetails { name: "PLG Lezen".into(), ..Default::default() };
    let (mut network, anna) =
        Network::create(&details, &Profile::new("Anna"), datas[0].device_key().as_signing_key()).unwrap();
    let mut members = vec![anna.clone()];
    for ((name, role), data) in
        [("Bram", bram), ("Cor", Role::Member), ("Dirk", Role::Member)].into_iter().zip(&datas[1..])
    {
        let key = data.device_key().as_signing_key();
        members.push(network.add_member(&anna, &Profile::new(name), role, Some(key)).unwrap());
    }
    let session = network
        .add_session(
            &anna,
            &kring_model::NewSession {
                title: "PLG 1".into(),
                kind: kring_model::SessionKind::Plg,
                starts_at: "2026-12-01".into(),
                location: String::new(),
            },
        )
        .unwrap();
    let notes = TextField::Notes(session);
    network.append_text(&anna, &notes, "0.").unwrap();
    let signatures = kring_sync::signed::sign_whole_as(network.doc_mut(), &[datas[0].device_key().clone()]);
    let laptops = dirs
        .into_iter()
        .zip(datas)
        .zip(ALPHABETS)
        .map(|((dir, data), alphabet)| {
            let mut open = OpenNetwork::create(&data, network.fork()).unwrap();
            open.signatures.add(&signatures);
            let device = data.device_id();
            let states = BTreeMap::new();
            Laptop {
                _dir: dir,
                data,
                open: Some(open),
                device,
                states,
                alphabet,
                notes: notes.clone(),
                before_switch: None,
                lost_to_a_sibling: 0,
                won_over_a_sibling: 0,
            }
        })
        .collect();
    (laptops, notes, members)
}

/// Laptops `a` and `b` meet and sync until neither has anything to say; `a` dials.
fn meet(laptops: &mut [Laptop], a: usize, b: usize, network: &str) {
    let (left, right) = laptops.split_at_mut(a.max(b));
    let (x, y) = if a < b { (&mut left[a], &mut right[0]) } else { (&mut right[0], &mut left[b]) };
    let mut at_x = PeerConnection::new(y.device.clone());
    let mut at_y = PeerConnection::new(x.device.clone());
    at_x.open(network, x);
    for _ in 0..200 {
        let mut moved = false;
        while let Some(message) = at_x.poll_transmit() {
            moved = true;
            deliver(&mut at_y, message, y);
        }
        while let Some(message) = at_y.poll_transmit() {
            moved = true;
            deliver(&mut at_x, message, x);
        }
        for (connection, laptop) in [(&mut at_x, &mut *x), (&mut at_y, &mut *y)] {
            while let Some(event) = connection.poll_event() {
                if matches!(event, Event::Changed { .. }) {
                    laptop.open().persist().unwrap();
                }
                assert!(!matches!(event, Event::Distrusted { .. }), "an honest laptop was distrusted: {event:?}");
                match event {
                    Event::ConcurrentChapters { won: true, .. } => laptop.won_over_a_sibling += 1,
                    Event::ConcurrentChapters { won: false, .. } => laptop.lost_to_a_sibling += 1,
                    _ => {}
                }
            }
        }
        if !moved {
            break;
        }
    }
    let (x_device, y_device) = (x.device.clone(), y.device.clone());
    for (connection, laptop, other) in [(&at_x, &mut *x, y_device), (&at_y, &mut *y, x_device)] {
        if let Some(state) = connection.sync_state(network) {
            laptop.states.insert(other, state);
        }
    }
}

fn deliver(connection: &mut PeerConnection, message: Message, laptop: &mut Laptop) {
    connection.receive(message, laptop).expect("honest laptops speak the protocol");
}

#[derive(Debug, Clone)]
enum Step {
    /// A laptop types a word of its alphabet (letters by index) at a place in the notes.
    Type(usize, usize, Vec<usize>),
    Meet(usize, usize),
    NewChapter,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0usize..4, 0usize..1000, prop::collection::vec(0usize..4, 1..4)).prop_map(|(at, place, word)| Step::Type(at, place, word)),
        3 => (0usize..4, 0usize..4).prop_filter("two laptops", |(a, b)| a != b).prop_map(|(a, b)| Step::Meet(a, b)),
        1 => Just(Step::NewChapter),
    ]
}

/// Laptop `at` types `word` (letters of its alphabet by index) at `place` in the notes (past
/// the end: at the end), and counts it in `typed`.
fn type_word(laptops: &mut [Laptop], at: usize, place: usize, word: &[usize], typed: &mut BTreeMap<char, usize>) {
    let word: String = word.iter().map(|&i| ALPHABETS[at].chars().nth(i).unwrap()).collect();
    let (device, notes) = (laptops[at].device.clone(), laptops[at].notes.clone());
    let len = laptops[at].open().network.text(&notes).unwrap().chars().count();
    laptops[at]
        .open()
        .edit(&device, |network, me| network.splice_text(me, &notes, place % (len + 1), 0, &word))
        .unwrap();
    for c in word.chars() {
        *typed.entry(c).or_insert(0) += 1;
    }
}

/// The coordinator on `laptop` begins the next chapter, erasing nothing.
fn begin(laptop: &mut Laptop) {
    let key = laptop.key();
    let open = laptop.open.take().unwrap();
    laptop.open = Some(chapters::start(open, &key, &[], false).unwrap());
    laptop.states.clear();
}

/// Every laptop in `all` meets every other, both ways, `rounds` times.
fn everyone_meets(laptops: &mut [Laptop], all: &[usize], rounds: usize, network: &str) {
    for _ in 0..rounds {
        for &a in all {
            for &b in all.iter().filter(|&&b| b != a) {
                meet(laptops, a, b, network);
            }
        }
    }
}

/// All four laptops meet each other twice over; afterwards every one is on `chapter` with the
/// same notes, which are returned.
fn all_end_on(laptops: &mut [Laptop], chapter: &str, notes: &TextField, network: &str) -> String {
    everyone_meets(laptops, &[0, 1, 2, 3], 2, network);
    let text = laptops[0].open().network.text(notes).unwrap();
    for laptop in laptops {
        assert_eq!(laptop.open().network.chapter_id(), chapter);
        assert_eq!(laptop.open().network.text(notes).unwrap(), text);
    }
    text
}

/// Every character of the first alphabets is in `text` exactly as often as it was typed.
fn each_typed_character_once(text: &str, typed: &BTreeMap<char, usize>) {
    let now = counts(text);
    for c in ALPHABETS.concat().chars() {
        assert_eq!(now.get(&c), typed.get(&c), "{c} in {text:?}");
    }
}

/// Anna removes Dirk and begins the new chapter; says how often each character is in the
/// notes it begins with.
fn remove_and_begin(laptops: &mut [Laptop], notes: &TextField, dirk: &MemberId) -> BTreeMap<char, usize> {
    let device = laptops[0].device.clone();
    laptops[0].open().edit(&device, |network, me| network.remove_member(me, dirk)).unwrap();
    begin(&mut laptops[0]);
    counts(&laptops[0].open().network.text(notes).unwrap())
}

fn counts(text: &str) -> BTreeMap<char, usize> {
    let mut counts = BTreeMap::new();
    for c in text.chars() {
        *counts.entry(c).or_insert(0) += 1;
    }
    counts
}

/// Whether `part`'s characters appear in `whole` in the same order.
fn in_order(part: &str, whole: &str) -> bool {
    let mut rest = whole.chars();
    part.chars().all(|c| rest.any(|w| w == c))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn no_character_is_lost_and_none_of_a_removed_members_comes_in_across_a_new_chapter(
        steps in prop::collection::vec(step(), 1..28),
    ) {
        let (mut laptops, notes, dirk) = four_laptops();
        let network = laptops[0].open().network.id().to_string();
        let mut typed: BTreeMap<char, usize> = BTreeMap::new();
        let mut begun = None;
        for step in steps {
            match step {
                Step::Type(at, place, word) => type_word(&mut laptops, at, place, &word, &mut typed),
                Step::Meet(a, b) => meet(&mut laptops, a, b, &network),
                Step::NewChapter if begun.is_none() => begun = Some(remove_and_begin(&mut laptops, &notes, &dirk)),
                Step::NewChapter => {}
            }
        }
        let begun = match begun {
            Some(begun) => begun,
            None => remove_and_begin(&mut laptops, &notes, &dirk),
        };
        // Everyone still in the network meets everyone, twice over.
        for _ in 0..2 {
            for (a, b) in [(0, 1), (1, 2), (2, 0), (1, 0), (2, 1), (0, 2)] {
                meet(&mut laptops, a, b, &network);
            }
        }
        let chapter = laptops[0].open().network.chapter_id();
        let text = laptops[0].open().network.text(&notes).unwrap();
        for laptop in &mut laptops[..DIRK] {
            prop_assert_eq!(laptop.open().network.chapter_id(), chapter.clone());
            prop_assert_eq!(laptop.open().network.text(&notes).unwrap(), text.clone());
        }
        let now = counts(&text);
        for (at, alphabet) in ALPHABETS.iter().enumerate() {
            for c in alphabet.chars() {
                let expected = match at {
                    DIRK => begun.get(&c),
                    _ => typed.get(&c),
                };
                prop_assert_eq!(now.get(&c), expected, "{} of laptop {} in {:?}", c, at, text);
            }
        }
        for laptop in &laptops[..DIRK] {
            if let Some(own) = &laptop.before_switch {
                prop_assert!(in_order(own, &text), "{:?} is no longer in order in {:?}", own, text);
            }
        }
    }
}

/// Typing and meetings, no new chapter.
fn typing_or_meeting() -> impl Strategy<Value = Step> {
    step().prop_filter("no new chapter", |step| !matches!(step, Step::NewChapter))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Anna and Bram, both coordinators, each begin a chapter from the same one without
    /// knowing of the other's; meanwhile everyone types and meets at random, on whichever
    /// chapter it is. Once all have met, all are on the same one of the two, with the same
    /// notes: every character typed, on any of the three chapters, is in it exactly once, and
    /// each laptop's own characters in the order it had them before it last switched.
    #[test]
    fn two_coordinators_who_begin_a_chapter_at_once_end_with_every_laptop_on_one_and_no_work_lost(
        before in prop::collection::vec(typing_or_meeting(), 0..12),
        after in prop::collection::vec(typing_or_meeting(), 1..28),
    ) {
        let (mut laptops, _notes, _) = four_laptops_with(Role::Coordinator);
        let network = laptops[0].open().network.id().to_string();
        let mut typed: BTreeMap<char, usize> = BTreeMap::new();
        let all = [0, 1, 2, 3];
        for (i, steps) in [before, after].into_iter().enumerate() {
            if i == 1 {
                everyone_meets(&mut laptops, &all, 1, &network);
                begin(&mut laptops[0]);
                begin(&mut laptops[1]);
                prop_assert_ne!(laptops[0].open().network.chapter_id(), laptops[1].open().network.chapter_id());
            }
            for step in steps {
                match step {
                    Step::Type(at, place, word) => type_word(&mut laptops, at, place, &word, &mut typed),
                    Step::Meet(a, b) => meet(&mut laptops, a, b, &network),
                    Step::NewChapter => unreachable!("filtered out"),
                }
            }
        }
        everyone_meets(&mut laptops, &all, 2, &network);
        let chapter = laptops[0].open().network.chapter();
        prop_assert_eq!(chapter.number, 2);
        // The coordinator whose chapter did not go on left it, and was told.
        let loser = if laptops[0].lost_to_a_sibling > 0 { 0 } else { 1 };
        prop_assert_eq!(laptops[loser].lost_to_a_sibling, 1);
        prop_assert!(laptops.iter().map(|laptop| laptop.won_over_a_sibling).sum::<usize>() >= 1);
        let notes = laptops[0].notes.clone();
        let text = laptops[0].open().network.text(&notes).unwrap();
        for laptop in &mut laptops {
            prop_assert_eq!(laptop.open().network.chapter_id(), chapter.id.clone());
            prop_assert_eq!(laptop.open().network.text(&notes).unwrap(), text.clone());
            prop_assert_eq!(laptop.open().chain().len(), 1);
        }
        let now = counts(&text);
        for c in ALPHABETS.concat().chars() {
            prop_assert_eq!(now.get(&c), typed.get(&c), "{} in {:?}", c, text);
        }
        for laptop in &laptops {
            if let Some(own) = &laptop.before_switch {
                prop_assert!(in_order(own, &text), "{:?} is no longer in order in {:?}", own, text);
            }
        }
    }
}

/// Cor's laptop stays on chapter 1, with offline typing, while Anna begins chapters 2, 3 and 4.
/// Bram's laptop, also on chapter 1, takes chapter 4 from Anna's in one meeting; then Cor's
/// takes it from Bram's, who made none of the steps: hand-off by hand-off, carrying Cor's
/// offline typing over once.
#[test]
fn a_laptop_three_chapters_behind_catches_up_through_a_member_who_made_none_of_its_steps() {
    let (mut laptops, notes, _) = four_laptops();
    let network = laptops[0].open().network.id().to_string();
    let mut typed = BTreeMap::new();
    type_word(&mut laptops, 2, 9, &[0, 1], &mut typed);
    meet(&mut laptops, 2, 0, &network);
    for _ in 0..3 {
        type_word(&mut laptops, 0, 0, &[0], &mut typed);
        begin(&mut laptops[0]);
    }
    type_word(&mut laptops, 2, 9, &[2, 3], &mut typed);
    let anna = laptops[0].open().network.chapter();
    assert_eq!(anna.number, 4);

    meet(&mut laptops, 1, 0, &network);
    assert_eq!(laptops[1].open().network.chapter_id(), anna.id);
    let anna_chain = laptops[0].open().chain().to_vec();
    assert_eq!(laptops[1].open().chain(), anna_chain.as_slice());
    assert_eq!(laptops[1].open().chain().len(), 3);

    meet(&mut laptops, 2, 1, &network);
    assert_eq!(laptops[2].open().network.chapter_id(), anna.id);
    let text = laptops[2].open().network.text(&notes).unwrap();
    assert_eq!(
        counts(&text),
        counts(&format!("0.{}", typed.iter().map(|(c, n)| c.to_string().repeat(*n)).collect::<String>())),
        "{text}"
    );
    meet(&mut laptops, 0, 2, &network);
    assert_eq!(laptops[0].open().network.text(&notes).unwrap(), text);
}

/// Bram demotes Anna in chapter 1; Anna, offline and not knowing, removes Bram and begins
/// chapter 2. Cor's laptop, which got the demotion from Bram's, refuses Anna's hand-off: she
/// was no coordinator when chapter 1 ended, as far as Cor's laptop knows it. Dirk's laptop,
/// which never heard of the demotion, takes it.
#[test]
fn a_hand_off_signed_by_a_coordinator_demoted_before_the_chapter_ended_is_refused() {
    let (mut laptops, _notes, members) = four_laptops_with(Role::Coordinator);
    let network = laptops[0].open().network.id().to_string();
    let (anna, bram) = (members[0].clone(), members[1].clone());
    let device = laptops[1].device.clone();
    laptops[1].open().edit(&device, |network, me| network.set_role(me, &anna, Role::Member)).unwrap();
    meet(&mut laptops, 2, 1, &network);
    let device = laptops[0].device.clone();
    laptops[0].open().edit(&device, |network, me| network.remove_member(me, &bram)).unwrap();
    begin(&mut laptops[0]);

    let key = laptops[0].key();
    let way = chapters::way(laptops[0].open(), &key).expect("Anna's laptop holds the hand-off");
    let cor = laptops[2].device.clone();
    match chapters::check(laptops[2].open(), way.clone(), &cor, None) {
        Err(chapters::Unfit::Chain(ChainError::NotByCoordinator(0))) => {}
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("a demoted coordinator's hand-off was taken"),
    }
    assert_eq!(laptops[2].open().network.chapter().number, 1);
    let dirk = laptops[3].device.clone();
    assert!(chapters::check(laptops[3].open(), way, &dirk, None).is_ok());
}

/// Cor's laptop, on chapter 1, opens the network with Anna's and Bram's at once, both on
/// chapter 2. It takes the chapter from the first answer; the second, on its way meanwhile,
/// neither costs that connection nor stops it: what Cor types then reaches Bram's laptop.
#[test]
fn a_chapter_offered_by_two_laptops_at_once_is_taken_once_and_both_connections_go_on() {
    let (mut laptops, notes, _) = four_laptops();
    let network = laptops[0].open().network.id().to_string();
    begin(&mut laptops[0]);
    meet(&mut laptops, 1, 0, &network);
    let [anna, bram, cor, _] = &mut laptops[..] else { unreachable!("four laptops") };
    let (mut cor_anna, mut anna_cor) =
        (PeerConnection::new(anna.device.clone()), PeerConnection::new(cor.device.clone()));
    let (mut cor_bram, mut bram_cor) =
        (PeerConnection::new(bram.device.clone()), PeerConnection::new(cor.device.clone()));
    cor_anna.open(&network, cor);
    cor_bram.open(&network, cor);
    let pass = |from: &mut PeerConnection, to: &mut PeerConnection, laptop: &mut Laptop| {
        while let Some(message) = from.poll_transmit() {
            to.receive(message, laptop).expect("honest laptops speak the protocol");
        }
    };
    pass(&mut cor_anna, &mut anna_cor, anna);
    pass(&mut cor_bram, &mut bram_cor, bram);
    // Both answer with the way; Anna's arrives first.
    pass(&mut anna_cor, &mut cor_anna, cor);
    assert_eq!(cor.open().network.chapter().number, 2);
    // The node tells its other connections the network changed: Bram's opens it again.
    cor_bram.relayed_change(&network, cor);
    pass(&mut bram_cor, &mut cor_bram, cor);

    let device = cor.device.clone();
    cor.open().edit(&device, |network, me| network.append_text(me, &notes, "αβγ")).unwrap();
    cor_bram.local_change(&network, cor);
    for _ in 0..20 {
        pass(&mut cor_bram, &mut bram_cor, bram);
        pass(&mut bram_cor, &mut cor_bram, cor);
        pass(&mut cor_anna, &mut anna_cor, anna);
        pass(&mut anna_cor, &mut cor_anna, cor);
    }
    assert!(bram.open().network.text(&notes).unwrap().contains("αβγ"));
    assert!(cor_bram.is_open(&network) && bram_cor.is_open(&network));
}

/// A demotion racing a chapter: Bram demotes Anna in chapter 1, and Cor's laptop hears of it;
/// Anna, not knowing, begins a chapter 2 and Dirk's laptop takes it; Bram begins a chapter 2 of
/// his own. Anna's hand-off declares Bram a coordinator, Bram's does not declare Anna, so
/// Bram's chapter goes on, on every laptop (and Anna is a member there), with everyone's typing
/// in chapter 1 and in both chapters 2 in it exactly once.
#[test]
fn a_demotion_racing_a_chapter_ends_with_every_laptop_on_the_chapter_of_the_coordinator_who_demoted() {
    let (mut laptops, notes, members) = four_laptops_with(Role::Coordinator);
    let network = laptops[0].open().network.id().to_string();
    let mut typed = BTreeMap::new();
    type_word(&mut laptops, 3, 0, &[0, 1], &mut typed);
    let device = laptops[1].device.clone();
    laptops[1].open().edit(&device, |network, me| network.set_role(me, &members[0], Role::Member)).unwrap();
    meet(&mut laptops, 2, 1, &network);
    // Anna's chapter is copied from more changes than Bram's will be (that alone would make it
    // go on): two meetings she plans.
    let device = laptops[0].device.clone();
    let session = kring_model::NewSession {
        title: "PLG 2".into(),
        kind: kring_model::SessionKind::Plg,
        starts_at: "2026-12-08".into(),
        location: String::new(),
    };
    for _ in 0..2 {
        laptops[0].open().edit(&device, |network, me| network.add_session(me, &session)).unwrap();
    }

    begin(&mut laptops[0]);
    let (anna_base, bram_base) = (
        laptops[0].open().chain()[0].base_changes(),
        laptops[1].open().network.doc_mut().get_changes_meta(&[]).len() as u64,
    );
    assert!(anna_base > bram_base, "{anna_base} > {bram_base}");
    type_word(&mut laptops, 0, 5, &[2], &mut typed);
    meet(&mut laptops, 3, 0, &network);
    let annas = laptops[0].open().network.chapter_id();
    assert_eq!(laptops[3].open().network.chapter_id(), annas);
    type_word(&mut laptops, 3, 5, &[2], &mut typed);

    begin(&mut laptops[1]);
    let brams = laptops[1].open().network.chapter_id();
    type_word(&mut laptops, 1, 5, &[1], &mut typed);
    type_word(&mut laptops, 2, 5, &[3], &mut typed);
    meet(&mut laptops, 2, 1, &network);
    assert_eq!(laptops[2].open().network.chapter_id(), brams);

    let text = all_end_on(&mut laptops, &brams, &notes, &network);
    assert_eq!(laptops[0].lost_to_a_sibling + laptops[3].lost_to_a_sibling, 2);
    each_typed_character_once(&text, &typed);
    assert_eq!(laptops[1].open().network.members().unwrap()[&members[0]].role, Role::Member);
}

/// What each laptop types once it is on a second chapter (either of the two).
const LATER_ALPHABETS: [&str; 4] = ["efgh", "деёж", "εζηθ", "ᚱᚲᚷᚹ"];

#[derive(Debug, Clone)]
enum Race {
    Step(Step),
    /// Anna's (0) or Bram's (1) laptop begins its chapter 2, if it has not yet.
    Begin(usize),
}

fn race() -> impl Strategy<Value = Race> {
    prop_oneof![8 => typing_or_meeting().prop_map(Race::Step), 1 => (0usize..2).prop_map(Race::Begin)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// As above, but Anna and Bram begin their chapters at random moments, each from whatever
    /// of chapter 1 their laptop holds then, while the others type and meet on all three
    /// chapters. Once all have met, all are on the same one of the two, with the same notes,
    /// and every character anyone typed, on chapter 1 or on a chapter 2, is in it exactly once.
    #[test]
    fn two_coordinators_who_begin_a_chapter_at_any_moment_end_with_every_laptop_on_one(
        races in prop::collection::vec(race(), 1..32),
    ) {
        let (mut laptops, notes, _) = four_laptops_with(Role::Coordinator);
        let network = laptops[0].open().network.id().to_string();
        let mut typed: BTreeMap<char, usize> = BTreeMap::new();
        let mut begun = [false, false];
        let rest = [Race::Begin(0), Race::Begin(1)];
        for race in races.into_iter().chain(rest) {
            match race {
                Race::Begin(at) if !begun[at] => {
                    begun[at] = true;
                    if laptops[at].open().network.chapter().number == 1 {
                        begin(&mut laptops[at]);
                    }
                }
                Race::Begin(_) => {}
                Race::Step(Step::Type(at, place, word)) => {
                    let later = laptops[at].open().network.chapter().number > 1;
                    let word: String = word
                        .iter()
                        .map(|&i| if later { LATER_ALPHABETS[at] } else { ALPHABETS[at] }.chars().nth(i).unwrap())
                        .collect();
                    let device = laptops[at].device.clone();
                    let len = laptops[at].open().network.text(&notes).unwrap().chars().count();
                    laptops[at]
                        .open()
                        .edit(&device, |network, me| network.splice_text(me, &notes, place % (len + 1), 0, &word))
                        .unwrap();
                    for c in word.chars() {
                        *typed.entry(c).or_insert(0) += 1;
                    }
                }
                Race::Step(Step::Meet(a, b)) => meet(&mut laptops, a, b, &network),
                Race::Step(Step::NewChapter) => unreachable!("filtered out"),
            }
        }
        everyone_meets(&mut laptops, &[0, 1, 2, 3], 2, &network);
        let chapter = laptops[0].open().network.chapter_id();
        let text = laptops[0].open().network.text(&notes).unwrap();
        for laptop in &mut laptops {
            prop_assert_eq!(laptop.open().network.chapter_id(), chapter.clone());
            prop_assert_eq!(laptop.open().network.text(&notes).unwrap(), text.clone());
        }
        let now = counts(&text);
        for c in ALPHABETS.concat().chars().chain(LATER_ALPHABETS.concat().chars()) {
            prop_assert_eq!(now.get(&c), typed.get(&c), "{} in {:?}", c, text);
        }
    }
}

/// Cor types on chapter 1 and meets Bram; Anna, who never got it, begins a chapter 2, and so
/// does Bram, with Cor's typing (copied from more changes, his goes on). Cor's laptop takes
/// Anna's first, carrying its typing over; then Bram's, which holds that typing already: it is
/// not carried a second time.
#[test]
fn offline_work_carried_into_a_chapter_that_does_not_go_on_is_not_doubled_where_the_other_has_it() {
    let (mut laptops, notes, _) = four_laptops_with(Role::Coordinator);
    let network = laptops[0].open().network.id().to_string();
    let mut typed = BTreeMap::new();
    type_word(&mut laptops, 2, 9, &[0, 1, 2], &mut typed);
    meet(&mut laptops, 2, 1, &network);
    begin(&mut laptops[0]);
    begin(&mut laptops[1]);
    let brams = laptops[1].open().network.chapter_id();

    meet(&mut laptops, 2, 0, &network);
    assert_eq!(laptops[2].open().network.text(&notes).unwrap().matches('α').count(), 1);
    type_word(&mut laptops, 2, 0, &[3], &mut typed);
    meet(&mut laptops, 2, 1, &network);
    assert_eq!(laptops[2].open().network.chapter_id(), brams);
    let text = all_end_on(&mut laptops, &brams, &notes, &network);
    each_typed_character_once(&text, &typed);
}

/// Cor types on chapter 1 and meets Anna, who begins a chapter 2 with that typing in her copy;
/// Bram, who never got it, begins one too, from more of chapter 1 (his goes on). Cor takes
/// Anna's chapter first: its typing is now only inside her copy, under her name. When Cor's
/// laptop meets Bram's chapter it knows which characters of that copy it typed, and that Bram's
/// copy was not based on them: it carries them over, once.
#[test]
fn typing_that_only_the_chapter_that_does_not_go_on_copied_is_carried_by_the_laptop_that_typed_it() {
    let (mut laptops, notes, _) = four_laptops_with(Role::Coordinator);
    let network = laptops[0].open().network.id().to_string();
    let mut typed = BTreeMap::new();
    type_word(&mut laptops, 2, 0, &[0, 1, 1], &mut typed);
    meet(&mut laptops, 2, 0, &network);
    for place in 0..3 {
        type_word(&mut laptops, 1, place, &[0], &mut typed);
    }
    begin(&mut laptops[0]);
    begin(&mut laptops[1]);
    let brams = laptops[1].open().network.chapter_id();

    meet(&mut laptops, 2, 0, &network);
    assert_ne!(laptops[2].open().network.chapter_id(), brams, "Cor is on Anna's chapter");
    assert_eq!(laptops[2].open().network.text(&notes).unwrap().matches('β').count(), 2);
    meet(&mut laptops, 2, 1, &network);
    assert_eq!(laptops[2].open().network.chapter_id(), brams);
    let text = all_end_on(&mut laptops, &brams, &notes, &network);
    each_typed_character_once(&text, &typed);
}
