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
//! One new chapter per run: a laptop two chapters behind needs a member who made the step from
//! its chapter (see docs/chapters.md), which a random run cannot promise.

use std::collections::BTreeMap;

use iroh::SecretKey;
use kring_model::automerge::AutoCommit;
use kring_model::{CarriedOver, MemberId, Network, NetworkDetails, Profile, Role, TextField};
use kring_node::OpenNetwork;
use kring_node::chapters;
use kring_store::DataDir;
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
        let checked = chapters::check(self.open(), next, &device).map_err(|e| e.to_string())?;
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
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let datas: Vec<DataDir> = dirs.iter().map(|d| DataDir::open(d.path()).unwrap()).collect();
    let details = NetworkDetails { name: "PLG Lezen".into(), ..Default::default() };
    let (mut network, anna) =
        Network::create(&details, &Profile::new("Anna"), datas[0].device_key().as_signing_key()).unwrap();
    let mut dirk = None;
    for (name, data) in ["Bram", "Cor", "Dirk"].iter().zip(&datas[1..]) {
        let key = data.device_key().as_signing_key();
        dirk = Some(network.add_member(&anna, &Profile::new(*name), Role::Member, Some(key)).unwrap());
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
            }
        })
        .collect();
    (laptops, notes, dirk.unwrap())
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

/// Anna removes Dirk and begins the new chapter; says how often each character is in the
/// notes it begins with.
fn remove_and_begin(laptops: &mut [Laptop], notes: &TextField, dirk: &MemberId) -> BTreeMap<char, usize> {
    let device = laptops[0].device.clone();
    laptops[0].open().edit(&device, |network, me| network.remove_member(me, dirk)).unwrap();
    let key = laptops[0].key();
    let open = laptops[0].open.take().unwrap();
    laptops[0].open = Some(chapters::start(open, &key, &[], false).unwrap());
    laptops[0].states.clear();
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
                Step::Type(at, place, word) => {
                    let word: String = word.iter().map(|&i| ALPHABETS[at].chars().nth(i).unwrap()).collect();
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
