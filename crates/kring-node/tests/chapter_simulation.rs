//! Random meetings of three laptops, each with its real store on disk, while the coordinator
//! begins a new chapter at a random moment: laptops write offline, sync in random pairs
//! (taking the new chapter from whoever has it), and once everyone has met everyone, all are
//! on the same chapter with the same network, and no line anyone wrote is lost.
//!
//! One new chapter per run: a laptop two chapters behind needs a member who made the step from
//! its chapter (see docs/chapters.md), which a random run cannot promise.

use std::collections::BTreeMap;

use iroh::SecretKey;
use kring_model::automerge::AutoCommit;
use kring_model::{CarriedOver, MemberId, Network, NetworkDetails, Profile, Role, SessionId, TextField};
use kring_node::OpenNetwork;
use kring_node::chapters;
use kring_store::DataDir;
use kring_sync::{Event, Library, Message, NextChapter, PeerConnection, Replica};
use proptest::prelude::*;

/// One laptop: its data folder, and the network as its node would hold it.
struct Laptop {
    _dir: tempfile::TempDir,
    data: DataDir,
    open: Option<OpenNetwork>,
    device: String,
    states: BTreeMap<String, Vec<u8>>,
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

    fn next_chapter(&mut self, _network: &str, behind: &str) -> Option<NextChapter> {
        let key = self.key();
        chapters::way_from(self.open(), &key, behind)
    }

    fn take_next_chapter(&mut self, _network: &str, _from: &str, next: NextChapter) -> Result<CarriedOver, String> {
        let device = self.device.clone();
        let checked = chapters::check(self.open(), next, &device).map_err(|e| e.to_string())?;
        let open = self.open.take().expect("open");
        let (switched, carried) = chapters::take(open, checked, &device).map_err(|e| e.to_string())?;
        self.open = Some(switched);
        self.states.clear();
        Ok(carried)
    }
}

/// Anna (coordinator) and two members, each holding the network with one meeting.
fn three_laptops() -> (Vec<Laptop>, SessionId, MemberId) {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let datas: Vec<DataDir> = dirs.iter().map(|d| DataDir::open(d.path()).unwrap()).collect();
    let details = NetworkDetails { name: "PLG Lezen".into(), ..Default::default() };
    let (mut network, anna) =
        Network::create(&details, &Profile::new("Anna"), datas[0].device_key().as_signing_key()).unwrap();
    for (name, data) in ["Bram", "Cor"].iter().zip(&datas[1..]) {
        network
            .add_member(&anna, &Profile::new(*name), Role::Member, Some(data.device_key().as_signing_key()))
            .unwrap();
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
    let signatures = kring_sync::signed::sign_whole_as(network.doc_mut(), &[datas[0].device_key().clone()]);
    let laptops = dirs
        .into_iter()
        .zip(datas)
        .map(|(dir, data)| {
            let mut open = OpenNetwork::create(&data, network.fork()).unwrap();
            open.signatures.add(&signatures);
            let device = data.device_id();
            Laptop { _dir: dir, data, open: Some(open), device, states: BTreeMap::new() }
        })
        .collect();
    (laptops, session, anna)
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
    Write(usize),
    Meet(usize, usize),
    NewChapter,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0usize..3).prop_map(Step::Write),
        3 => (0usize..3, 0usize..3).prop_filter("two laptops", |(a, b)| a != b).prop_map(|(a, b)| Step::Meet(a, b)),
        1 => Just(Step::NewChapter),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_line_anyone_wrote_is_lost_across_a_new_chapter(steps in prop::collection::vec(step(), 1..24)) {
        let (mut laptops, session, _) = three_laptops();
        let network = laptops[0].open().network.id().to_string();
        let notes = TextField::Notes(session);
        let mut written = Vec::new();
        let mut begun = false;
        for (n, step) in steps.into_iter().enumerate() {
            match step {
                Step::Write(at) => {
                    let line = format!("regel {n} van laptop {at}");
                    let device = laptops[at].device.clone();
                    laptops[at].open().edit(&device, |network, me| network.append_text(me, &notes, &line)).unwrap();
                    written.push(line);
                }
                Step::Meet(a, b) => meet(&mut laptops, a, b, &network),
                Step::NewChapter if !begun => {
                    begun = true;
                    let key = laptops[0].key();
                    let open = laptops[0].open.take().unwrap();
                    laptops[0].open = Some(chapters::start(open, &key, &[], false).unwrap());
                    laptops[0].states.clear();
                }
                Step::NewChapter => {}
            }
        }
        // Everyone meets everyone, twice over.
        for _ in 0..2 {
            for (a, b) in [(0, 1), (1, 2), (2, 0), (1, 0), (2, 1), (0, 2)] {
                meet(&mut laptops, a, b, &network);
            }
        }
        let chapter = laptops[0].open().network.chapter_id();
        let text = laptops[0].open().network.text(&notes).unwrap();
        for laptop in &mut laptops {
            prop_assert_eq!(laptop.open().network.chapter_id(), chapter.clone());
            prop_assert_eq!(laptop.open().network.text(&notes).unwrap(), text.clone());
        }
        for line in &written {
            prop_assert!(text.contains(line.as_str()), "lost: {} in {:?}", line, text);
        }
    }
}
