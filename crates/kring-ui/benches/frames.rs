//! Frame time of the desktop client on a big network: 150 members, 120 sessions with notes,
//! 400 learning questions, 3,000 votes. Drives the real UI (egui_kittest, AccessKit on) with
//! its real node and prints p50/p95 per screen. Run: `cargo bench -p kring-ui --bench frames`.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use kring_model::{MemberId, Network, NetworkDetails, NewSession, Profile, Role, SessionKind, TextField};
use kring_node::NetworkMode;
use kring_store::DataDir;
use kring_ui::{AppState, KringApp, Screen};

const MEMBERS: usize = 150;
const SESSIONS: usize = 120;
const QUESTIONS: usize = 400;
const VOTES: usize = 3_000;
const NOTES_CHARS: usize = 8_000;
const FRAMES: usize = 200;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    build_network(&DataDir::open(dir.path()).unwrap());
    println!("generated the network in {:.1} s", started.elapsed().as_secs_f64());

    let data = DataDir::open(dir.path()).unwrap();
    let mode = NetworkMode { offline: true, bind: Some("127.0.0.1:0".parse().unwrap()), relay_url: None };
    let app = KringApp::new(AppState::start(data, mode).unwrap());
    let mut ui = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut KringApp| app.show(ui), app);
    let opened = Instant::now();
    while ui.state().state.view.is_none() {
        ui.step();
        assert!(opened.elapsed() < Duration::from_secs(60), "the network did not open");
        std::thread::sleep(Duration::from_millis(1));
    }
    println!("node start to first view: {:.0} ms", opened.elapsed().as_secs_f64() * 1000.0);

    // CPU time of the UI thread per frame (what the target is about), and wall time beside it.
    println!(
        "{:<12} {:>8} {:>8} {:>8}   {:>9} {:>9}   (target: CPU p95 ≤ 4 ms)",
        "screen", "CPU p50", "CPU p95", "CPU max", "wall p50", "wall p95"
    );
    for (name, screen) in [("sessions", Screen::Sessions), ("questions", Screen::Questions)] {
        ui.state_mut().screen = screen;
        for _ in 0..10 {
            ui.step(); // warm up: layout caches, fonts
        }
        let (mut cpu, mut wall): (Vec<f64>, Vec<f64>) = (0..FRAMES)
            .map(|_| {
                let (cpu_start, wall_start) = (cpu_time::ThreadTime::now(), Instant::now());
                ui.step();
                (cpu_start.elapsed().as_secs_f64() * 1000.0, wall_start.elapsed().as_secs_f64() * 1000.0)
            })
            .unzip();
        cpu.sort_by(f64::total_cmp);
        wall.sort_by(f64::total_cmp);
        let at = |times: &[f64], q: f64| times[((times.len() - 1) as f64 * q) as usize];
        println!(
            "{name:<12} {:>8.2} {:>8.2} {:>8.2}   {:>9.2} {:>9.2}",
            at(&cpu, 0.5),
            at(&cpu, 0.95),
            at(&cpu, 1.0),
            at(&wall, 0.5),
            at(&wall, 0.95)
        );
    }
}

/// The "busy PLG, 3 years" network, written to `data` as one founder's device holds it.
fn build_network(data: &DataDir) {
    let founder = Profile::new("Coördinator");
    let details = NetworkDetails { name: "Drukke PLG".into(), ..Default::default() };
    let (mut network, me) = Network::create(&details, &founder, &data.device_id()).unwrap();
    let mut members: Vec<MemberId> = vec![me.clone()];
    for i in 1..MEMBERS {
        members.push(network.add_member(&me, &Profile::new(format!("Lid {i}")), Role::Member, None).unwrap());
    }
    let prose = "We bespraken hoe leerlingen feedback lezen en wat de school daarmee kan doen. ";
    for s in 0..SESSIONS {
        let new = NewSession {
            title: format!("Bijeenkomst {s}"),
            kind: SessionKind::Plg,
            starts_at: format!("{}-{:02}-{:02}", 2024 + s / 40, 1 + (s / 4) % 10, 1 + s % 28),
            location: "Lokaal 2.14".into(),
        };
        let id = network.add_session(&me, &new).unwrap();
        let field = TextField::Notes(id);
        let mut written = 0;
        while written < NOTES_CHARS {
            let burst: String = prose.chars().cycle().skip(written % prose.len()).take(200).collect();
            network.splice_text(&me, &field, written, 0, &burst).unwrap();
            written += 200;
        }
    }
    let mut questions = Vec::new();
    for q in 0..QUESTIONS {
        questions.push(network.add_question(&me, &format!("Leervraag {q}: hoe pakken we dit aan?"), "").unwrap());
    }
    for v in 0..VOTES {
        // Each member votes on a spread of questions, one vote per question at most.
        let member = &members[v % MEMBERS];
        let question = &questions[(v * 7 + v / MEMBERS) % QUESTIONS];
        let _ = network.vote(member, question);
    }
    let id = network.id().to_string();
    // Creating the store writes the whole document as one compact snapshot.
    data.create_network(&id, network.doc_mut()).unwrap();
}
