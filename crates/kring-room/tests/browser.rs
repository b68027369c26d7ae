//! The phone page in a real browser: headless Chromium from Debian's packages (`chromium`,
//! `chromium-driver`), driven over WebDriver at a phone's width (390 px). Without
//! `chromedriver` on the machine (a developer's laptop without it) the test says so and passes,
//! except under `scripts/test.sh`, which installs it and sets `KRING_BROWSER_REQUIRED`.

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kring_model::{GuestKind, GuestPerspective};
use kring_room::Host;
use serde_json::{Value, json};
use support::*;

/// W3C WebDriver names an element by this key.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// chromedriver, ended when dropped.
struct Driver {
    child: Child,
    port: u16,
    session: String,
    _profile: std::path::PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = call(self.port, "DELETE", &format!("/session/{}", self.session), None);
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._profile);
    }
}

/// One WebDriver command: HTTP with a JSON body; the answer's `value`.
fn call(port: u16, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    // The client is built with TLS, which needs a provider named once (it is never used here).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client =
        reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().map_err(|e| e.to_string())?;
    let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
    let mut request = client.request(method, format!("http://127.0.0.1:{port}{path}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let json: Value = request.send().and_then(|answer| answer.json()).map_err(|e| e.to_string())?;
    if json["value"]["error"].is_string() {
        return Err(json["value"].to_string());
    }
    Ok(json["value"].clone())
}

impl Driver {
    /// chromedriver with a headless Chromium at a phone's size, or `None` where it is not installed.
    fn start() -> Option<Driver> {
        let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .find(|path| std::path::Path::new(path).exists())?;
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let until = Instant::now() + Duration::from_secs(20);
        while call(port, "GET", "/status", None).map(|v| v["ready"] == true) != Ok(true) {
            assert!(Instant::now() < until, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = std::env::temp_dir().join(format!("kring-room-browser-{}-{port}", std::process::id()));
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--lang=nl", format!("--user-data-dir={}", profile.display())],
                "mobileEmulation": { "deviceMetrics": { "width": 390, "height": 844, "pixelRatio": 2.0 } }
            }
        }}});
        let session = call(port, "POST", "/session", Some(capabilities)).expect("a browser session");
        let session = session["sessionId"].as_str().expect("a session id").to_string();
        Some(Driver { child, port, session, _profile: profile })
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        call(self.port, method, &path, body).unwrap_or_else(|err| panic!("{method} {path}: {err}"))
    }

    fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    fn find(&self, css: &str) -> String {
        let until = Instant::now() + Duration::from_secs(10);
        loop {
            let path = format!("/session/{}/element", self.session);
            match call(self.port, "POST", &path, Some(json!({ "using": "css selector", "value": css }))) {
                Ok(found) => return found[ELEMENT].as_str().unwrap().to_string(),
                Err(err) if Instant::now() > until => panic!("no {css}: {err}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    fn click(&self, css: &str) {
        let element = self.find(css);
        self.cmd("POST", &format!("/element/{element}/click"), Some(json!({})));
    }

    fn type_in(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.cmd("POST", &format!("/element/{element}/value"), Some(json!({ "text": text })));
    }

    fn script(&self, script: &str, args: Value) -> Value {
        self.cmd("POST", "/execute/sync", Some(json!({ "script": script, "args": args })))
    }

    /// Waits until `script` returns true.
    fn until(&self, script: &str) {
        let until = Instant::now() + Duration::from_secs(10);
        while self.script(script, json!([])) != Value::Bool(true) {
            let status = self.script("return document.getElementById('status').textContent", json!([]));
            assert!(Instant::now() < until, "never: {script} (the page says {status})");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn text(&self, css: &str) -> String {
        self.script("return document.querySelector(arguments[0]).textContent", json!([css])).as_str().unwrap().into()
    }
}

#[test]
fn a_guest_takes_part_from_a_phone_browser() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let meeting = Meeting::new();
    // A question whose title would run as a script if the page put it in as HTML.
    let title = "<b>vet</b><script>window.gehackt = 1</script>".to_string();
    let hostile = meeting.host.apply(kring_model::Edit::AddQuestion { title, details: String::new() }).unwrap();
    let hostile = kring_model::QuestionId::new(hostile.created().unwrap());
    let setup = kring_model::RoomSetup {
        questions: vec![meeting.question.clone(), hostile],
        reflection: Some(meeting.round.clone()),
        proposals: true,
        reactions: true,
        photos: true,
    };
    let room = runtime.block_on(meeting.open_for(setup, Duration::from_secs(3600)));
    let Some(browser) = Driver::start() else {
        // The test script installs it and says so: there, a missing browser is a failure.
        let required = std::env::var_os("KRING_BROWSER_REQUIRED").is_some();
        assert!(!required, "chromium-driver is missing (scripts/install-deps.sh installs it)");
        println!("skipped: chromium-driver is not installed (scripts/install-deps.sh installs it)");
        return;
    };
    browser.go(&format!("http://{}{}", room.addr(), room.path()));
    browser.until("return document.getElementById('title').textContent === 'PLG 3: rekenen in de praktijk'");
    // Readable at 390 px: nothing wider than the phone.
    assert_eq!(browser.script("return window.innerWidth", json!([])), json!(390));
    assert_eq!(browser.script("return document.documentElement.scrollWidth <= 390", json!([])), json!(true));

    // Dutch first, whatever language the browser asks for.
    if browser.script("return document.documentElement.lang", json!([])) == json!("en") {
        browser.click("#lang");
    }
    browser.until("return document.documentElement.lang === 'nl'");
    assert_eq!(browser.text("#join-h"), "Doe mee");
    browser.type_in("#name", "Sam");
    browser.click("#perspective option[value='parent']");
    browser.click("#join-form button");
    browser.until("return !document.getElementById('room').hidden");
    assert!(browser.text("#status").contains("Sam"), "{}", browser.text("#status"));
    assert!(browser.text("#agenda").contains("Welkom en kennismaking"));
    // The hostile title is text on the page, and its script never ran.
    browser.until("return document.querySelectorAll('#questions li').length === 2");
    assert!(browser.text("#questions").contains("<b>vet</b><script>window.gehackt = 1</script>"));
    assert_eq!(browser.script("return window.gehackt === undefined", json!([])), json!(true));
    assert_eq!(browser.script("return document.querySelectorAll('b, #questions script').length", json!([])), json!(0));

    // Vote, propose (é, ë and an emoji: typed by script, as WebDriver types only the BMP), score.
    let vote_button =
        format!("#questions li:nth-child({}) button", position_of(&browser, "Hoe leren leerlingen rekenen?"));
    browser.click(&vote_button);
    browser.until("return document.getElementById('status').textContent.indexOf('verstuurd') > 0");
    let proposal = "Hoe maken we het één en ander écht leuk? 😀 ë";
    browser.script("document.getElementById('proposal').value = arguments[0]", json!([proposal]));
    browser.script("document.getElementById('status').textContent = ''", json!([]));
    browser.click("#propose-form button");
    browser.until("return document.getElementById('status').textContent.indexOf('verstuurd') > 0");
    browser.click("#factors fieldset:nth-of-type(1) input[value='4']");
    browser.click("#factors fieldset:nth-of-type(2) input[value='2']");
    browser.type_in("#comment", "Fijne sfeer");
    browser.script("document.getElementById('status').textContent = ''", json!([]));
    browser.click("#round-form button");
    browser.until("return document.getElementById('round-s').hidden");

    // A photo, chosen with the file input (WebDriver types a local path into it): a JPEG
    // whose EXIF says where it was taken.
    let photo = std::env::temp_dir().join(format!("kring-gastfoto-{}.jpg", std::process::id()));
    std::fs::write(&photo, jpeg_with_exif(48, 36)).unwrap();
    browser.until("return !document.getElementById('photo-s').hidden");
    assert_eq!(browser.text("#photo-h"), "Foto sturen");
    assert_eq!(browser.script("return document.documentElement.scrollWidth <= 390", json!([])), json!(true));
    assert_eq!(browser.script("return document.getElementById('photo').accept", json!([])), json!("image/*"));
    browser.type_in("#photo", &photo.display().to_string());
    browser.script("document.getElementById('status').textContent = ''", json!([]));
    browser.click("#photo-form button");
    browser.until("return document.getElementById('status').textContent.indexOf('verstuurd') > 0");
    let _ = std::fs::remove_file(&photo);
    // Something that is not a photo, given a photo's name: refused, in the guest's words.
    let fake = std::env::temp_dir().join(format!("kring-geen-foto-{}.jpg", std::process::id()));
    std::fs::write(&fake, "<script>alert(1)</script>").unwrap();
    browser.type_in("#photo", &fake.display().to_string());
    browser.click("#photo-form button");
    browser.until("return document.getElementById('status').textContent.indexOf('Dat is geen foto') === 0");
    let _ = std::fs::remove_file(&fake);

    if let Ok(path) = std::env::var("KRING_ROOM_SCREENSHOT") {
        browser.script("window.scrollTo(0, 0)", json!([]));
        let png = browser.cmd("GET", "/screenshot", None);
        let png = data_encoding::BASE64.decode(png.as_str().unwrap().as_bytes()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    // The network holds exactly those three, as a guest's.
    let snapshot = meeting.snapshot();
    let sent = snapshot.sessions[&meeting.session].guest_contributions();
    let kinds: Vec<GuestKind> = sent.iter().map(|c| c.kind).collect();
    assert_eq!(kinds.len(), 4, "{sent:?}");
    for kind in [GuestKind::Vote, GuestKind::Question, GuestKind::Score, GuestKind::Photo] {
        assert!(kinds.contains(&kind), "{kind:?} missing");
    }
    assert!(sent.iter().all(|c| c.name == "Sam" && c.perspective == GuestPerspective::Parent));
    let vote = sent.iter().find(|c| c.kind == GuestKind::Vote).unwrap();
    assert_eq!(vote.question.as_ref(), Some(&meeting.question));
    assert_eq!(sent.iter().find(|c| c.kind == GuestKind::Question).unwrap().text, proposal);
    let scored = sent.iter().find(|c| c.kind == GuestKind::Score).unwrap();
    assert_eq!(scored.scores.values().copied().collect::<Vec<_>>().len(), 2);
    assert_eq!(scored.text, "Fijne sfeer");

    // The photo hangs on the meeting as the guest's, kept only as the laptop's own JPEG.
    let kept = meeting.guest_photos();
    assert_eq!(kept.len(), 1);
    let (attachment, bytes) = &kept[0];
    let from = attachment.from_guest.as_ref().unwrap();
    assert_eq!(snapshot.sessions[&meeting.session].rooms[&from.room].guests[&from.contribution].name, "Sam");
    assert_eq!(image::guess_format(bytes).unwrap(), image::ImageFormat::Jpeg);
    assert_eq!(image::load_from_memory(bytes).unwrap().width(), 48);
    assert!(!bytes.windows(GPS_MARK.len()).any(|w| w == GPS_MARK) && !bytes.windows(4).any(|w| w == b"Exif"));

    // In English, the same page in the guest's words.
    browser.click("#lang");
    browser.until("return document.documentElement.lang === 'en'");
    assert_eq!(browser.text("#agenda-h"), "Agenda");
    assert_eq!(browser.text("#react-h"), "Leave a reaction");
    drop(browser);
    drop(room);
}

/// The place (from 1) of the question titled `title` in the page's list.
fn position_of(browser: &Driver, title: &str) -> usize {
    let titles = browser.script(
        "return Array.from(document.querySelectorAll('#questions li p')).map(function (p) { return p.textContent; })",
        json!([]),
    );
    titles.as_array().unwrap().iter().position(|t| t == title).expect("the room's question is listed") + 1
}
