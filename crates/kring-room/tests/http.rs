//! The room's page over real sockets on 127.0.0.1, as phones and strangers reach it.

mod support;

use std::time::{Duration, Instant};

use kring_model::GuestKind;
use kring_room::{MAX_BODY, MAX_GUESTS, Room};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_code_answers_exactly_like_an_unknown_address() {
    let meeting = Meeting::new();
    let room = meeting.open(true, true).await;
    let right = get(&room, &room.path()).await;
    assert_eq!(right.status, 200);
    let code = room.path().trim_start_matches("/k/").trim_end_matches('/').to_string();
    let mut wrong_code: Vec<u8> = code.clone().into_bytes();
    wrong_code[0] = if wrong_code[0] == b'a' { b'b' } else { b'a' };
    let wrong_code = String::from_utf8(wrong_code).unwrap();
    let unknown = get(&room, "/nergens").await;
    assert_eq!(unknown.status, 404);
    for path in [
        format!("/k/{wrong_code}/"),
        format!("/k/{wrong_code}/state"),
        format!("/k/{wrong_code}"),
        format!("/k/{}/", &code[..code.len() - 1]),
        format!("/k/{code}x/"),
        "/".to_string(),
        "/k/".to_string(),
        format!("/k/{code}/geheim"),
    ] {
        let answer = get(&room, &path).await;
        assert_eq!(answer.status, unknown.status, "{path}");
        assert_eq!(answer.body, unknown.body, "{path}");
        assert_eq!(answer.headers_without_date(), unknown.headers_without_date(), "{path}");
    }
    // A wrong code by POST, with a body, too.
    let posted = post(&room, &format!("/k/{wrong_code}/join"), None, br#"{"perspective":"youth"}"#).await;
    assert_eq!((posted.status, posted.body.clone()), (unknown.status, unknown.body.clone()));
    assert_eq!(meeting.contributions(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_strict_headers_and_the_page_has_no_inline_script_or_outside_loads() {
    let meeting = Meeting::new();
    let room = meeting.open(true, true).await;
    let mut total = 0;
    for file in ["", "room.css", "room.js", "state"] {
        let answer = get(&room, &format!("{}{file}", room.path())).await;
        assert_eq!(answer.status, 200, "{file}");
        let csp = answer.header("content-security-policy").unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(answer.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(answer.header("x-frame-options"), Some("DENY"));
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        assert!(answer.header("set-cookie").is_none(), "no cookies");
        let text = String::from_utf8(answer.body.clone()).unwrap();
        assert!(!text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"), "{file}");
        if file != "state" {
            total += answer.body.len();
        }
        if file.is_empty() {
            assert_eq!(answer.header("content-type"), Some("text/html; charset=utf-8"));
            // Scripts only from the laptop's own file; no inline style or handlers either.
            assert_eq!(text.matches("<script").count(), 1);
            assert!(text.contains(r#"<script src="room.js" defer></script>"#));
            assert!(!text.contains(" style=") && !text.contains(" onclick") && !text.contains(" onload"));
            // Every field has a label.
            for id in ["name", "perspective", "proposal", "comment", "reaction", "photo"] {
                assert!(text.contains(&format!(r#"<label for="{id}""#)), "no label for {id}");
            }
        }
        if file == "room.js" {
            for unsafe_sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("] {
                assert!(!text.contains(unsafe_sink), "the script uses {unsafe_sink}");
            }
        }
    }
    assert_eq!(total, kring_room::page_bytes());
    println!("page, style and script together: {:.1} KB", total as f64 / 1024.0);
    assert!(total <= 150 * 1024, "the page weighs {total} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_refused_and_changes_nothing() {
    let meeting = Meeting::new();
    let room = meeting.open(true, true).await;
    let token = join(&room, "Sam", "youth").await;
    let text = "x".repeat(MAX_BODY);
    let body = serde_json::json!({ "kind": "reaction", "text": text }).to_string();
    let answer = post(&room, &format!("{}send", room.path()), Some(&token), body.as_bytes()).await;
    assert_eq!(answer.status, 413);
    // Without a length up front (chunked), stopped at the limit all the same.
    let chunked = raw(&room, &chunked_request(&room.path(), &token, body.as_bytes())).await;
    assert_eq!(chunked.status, 413);
    // A text over 500 characters fits the body but not the room.
    let long = serde_json::json!({ "kind": "reaction", "text": "y".repeat(501) }).to_string();
    let answer = post(&room, &format!("{}send", room.path()), Some(&token), long.as_bytes()).await;
    assert_eq!(answer.status, 400);
    // Not JSON, or not saying so.
    let answer = post_typed(&room, &format!("{}send", room.path()), Some(&token), "text/plain", b"{}").await;
    assert_eq!(answer.status, 415);
    assert_eq!(meeting.contributions(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_sending_too_fast_is_slowed_down_and_a_room_flooded_refuses_more() {
    let meeting = Meeting::new();
    let room = meeting.open(true, true).await;
    let token = join(&room, "Sam", "youth").await;
    let mut statuses = Vec::new();
    for n in 0..14 {
        let body = serde_json::json!({ "kind": "reaction", "text": format!("reactie {n}") }).to_string();
        statuses.push(post(&room, &format!("{}send", room.path()), Some(&token), body.as_bytes()).await.status);
    }
    let accepted = statuses.iter().filter(|s| **s == 200).count();
    assert!((10..=12).contains(&accepted), "{statuses:?}");
    assert_eq!(*statuses.last().unwrap(), 429, "{statuses:?}");
    assert_eq!(meeting.contributions(), accepted);
    // Another guest is not held up by the first.
    let other = join(&room, "", "parent").await;
    let body = br#"{"kind":"reaction","text":"Ik ook!"}"#;
    assert_eq!(post(&room, &format!("{}send", room.path()), Some(&other), body).await.status, 200);

    // The room as a whole: page loads far beyond a meeting's are refused too.
    let started = Instant::now();
    let mut refused = false;
    for _ in 0..4_000 {
        if get(&room, &format!("{}room.css", room.path())).await.status == 429 {
            refused = true;
            break;
        }
    }
    assert!(refused, "no limit within 4,000 requests ({:?})", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_a_guest_sends_is_kept_as_text_and_the_page_only_ever_writes_text() {
    let meeting = Meeting::new();
    let room = meeting.open(true, true).await;
    let token = join(&room, "<b>Sam</b>", "youth").await;
    let script = "<script>alert('kring')</script> é ë 🙂";
    let body = serde_json::json!({ "kind": "question", "text": script }).to_string();
    assert_eq!(post(&room, &format!("{}send", room.path()), Some(&token), body.as_bytes()).await.status, 200);
    let snapshot = meeting.snapshot();
    let sent: Vec<_> = snapshot.sessions[&meeting.session].guest_contributions().into_iter().cloned().collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].kind, sent[0].text.as_str(), sent[0].name.as_str()),
        (GuestKind::Question, script, "<b>Sam</b>")
    );
    // What the page reads is JSON, never sniffed as HTML; the script puts every text in as text.
    let state = get(&room, &format!("{}state", room.path())).await;
    assert_eq!(state.header("content-type"), Some("application/json"));
    let js = String::from_utf8(get(&room, &format!("{}room.js", room.path())).await.body).unwrap();
    assert!(js.contains(".textContent = view.title") && !js.contains("innerHTML"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_never_contains_notes_member_names_or_other_meetings() {
    let meeting = Meeting::new();
    let room = meeting.open(true, true).await;
    let secret = |text: &str| {
        for word in SECRETS {
            assert!(!text.contains(word), "the page shows '{word}'");
        }
    };
    let mut seen = 0;
    for round in 0..2 {
        for file in ["", "room.css", "room.js", "state"] {
            let answer = get(&room, &format!("{}{file}", room.path())).await;
            secret(&String::from_utf8_lossy(&answer.body));
            seen += 1;
        }
        if round == 0 {
            // Guests come and go; the meeting's notes grow; still nothing of it on the page.
            let token = join(&room, "Sam", "youth").await;
            let body = format!(r#"{{"kind":"vote","question":"{}"}}"#, meeting.question);
            assert_eq!(post(&room, &format!("{}send", room.path()), Some(&token), body.as_bytes()).await.status, 200);
            meeting.write_notes("Nog meer VERTROUWELIJK over casus Jan");
            tokio::time::sleep(Duration::from_millis(2_100)).await;
        }
    }
    let state = String::from_utf8(get(&room, &format!("{}state", room.path())).await.body).unwrap();
    assert!(state.contains("Welkom en kennismaking") && state.contains("Hoe leren leerlingen rekenen?"), "{state}");
    assert!(seen >= 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_room_stops_its_server_and_a_new_room_has_a_new_code() {
    let meeting = Meeting::new();
    let room = meeting.open(true, true).await;
    let (addr, path) = (room.addr(), room.path());
    assert_eq!(get(&room, &path).await.status, 200);
    let id = room.id().clone();
    room.close().await.unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "the address answers nothing");
    assert!(meeting.snapshot().sessions[&meeting.session].rooms[&id].closed_at.is_some());
    let again = meeting.open(true, true).await;
    assert_ne!(again.path(), path);
    assert_ne!(again.id(), &id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_admits_three_hundred_guests_and_no_more() {
    let meeting = Meeting::new();
    let room = meeting.open(true, true).await;
    for _ in 0..MAX_GUESTS {
        join(&room, "", "other").await;
    }
    assert_eq!(room.guests(), MAX_GUESTS);
    let full = post(&room, &format!("{}join", room.path()), None, br#"{"perspective":"youth"}"#).await;
    assert_eq!(full.status, 503);
    assert_eq!(room.guests(), MAX_GUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_room_does_not_take_is_refused() {
    let meeting = Meeting::new();
    let room = meeting.open(false, false).await;
    let token = join(&room, "Sam", "parent").await;
    let send = |body: String| {
        let (room, token) = (&room, token.clone());
        async move { post(room, &format!("{}send", room.path()), Some(&token), body.as_bytes()).await.status }
    };
    assert_eq!(send(r#"{"kind":"question","text":"Mag dit?"}"#.into()).await, 400);
    assert_eq!(send(r#"{"kind":"reaction","text":"Mag dit?"}"#.into()).await, 400);
    assert_eq!(send(format!(r#"{{"kind":"vote","question":"{}"}}"#, meeting.other_question)).await, 400);
    assert_eq!(send(r#"{"kind":"score","scores":{"trust":9}}"#.into()).await, 400);
    assert_eq!(send(r#"{"kind":"vote","question":"x","extra":1}"#.into()).await, 400);
    let vote = format!(r#"{{"kind":"vote","question":"{}"}}"#, meeting.question);
    assert_eq!(send(vote.clone()).await, 200);
    assert_eq!(send(vote).await, 409, "one vote per guest");
    assert_eq!(send(r#"{"kind":"score","scores":{"trust":4,"ownership":5},"comment":"Goed"}"#.into()).await, 200);
    assert_eq!(meeting.contributions(), 2);
    // Without a token, or with a made-up one: nothing.
    let body = format!(r#"{{"kind":"vote","question":"{}"}}"#, meeting.question);
    assert_eq!(post(&room, &format!("{}send", room.path()), None, body.as_bytes()).await.status, 401);
    assert_eq!(post(&room, &format!("{}send", room.path()), Some("verzonnen"), body.as_bytes()).await.status, 401);
    assert_eq!(meeting.contributions(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_phones_sending_at_once_all_land() {
    let meeting = Meeting::new();
    let room = std::sync::Arc::new(meeting.open(true, true).await);
    let started = Instant::now();
    let phones: Vec<_> = (0..60)
        .map(|n| {
            let room = room.clone();
            let question = meeting.question.to_string();
            tokio::spawn(async move {
                let token = join(&room, &format!("Telefoon {n}"), if n % 2 == 0 { "youth" } else { "parent" }).await;
                let mut took = Vec::new();
                for body in [
                    format!(r#"{{"kind":"vote","question":"{question}"}}"#),
                    r#"{"kind":"score","scores":{"trust":4,"ownership":3}}"#.to_string(),
                    format!(r#"{{"kind":"reaction","text":"Reactie van telefoon {n}"}}"#),
                ] {
                    let sent = Instant::now();
                    let answer = post(&room, &format!("{}send", room.path()), Some(&token), body.as_bytes()).await;
                    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
                    took.push(sent.elapsed());
                }
                took
            })
        })
        .collect();
    let mut took = Vec::new();
    for phone in phones {
        took.extend(phone.await.unwrap());
    }
    let all = started.elapsed();
    assert_eq!(meeting.contributions(), 180, "every contribution landed");
    took.sort();
    let p50 = took[took.len() / 2];
    let p99 = took[took.len() * 99 / 100];
    println!("60 phones, 180 contributions in {all:?}: p50 {p50:?}, p99 {p99:?} (in memory)");
}

/// What the tests make sure never reaches a phone.
const SECRETS: [&str; 5] =
    ["VERTROUWELIJK", "Anna de Vries", "Bram Geheimnaam", "Andere bijeenkomst", "Niet voor de kamer"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_wrong_codes_and_oversized_bodies_change_nothing() {
    let meeting = Meeting::new();
    let room = meeting.open(true, true).await;
    let before = meeting.snapshot();
    let big = vec![b'x'; MAX_BODY * 2];
    for n in 0..1_000 {
        let answer = if n % 2 == 0 {
            post(&room, &format!("/k/{}/join", kring_room_code_like(n)), None, br#"{"perspective":"youth"}"#).await
        } else {
            post(&room, &format!("{}send", room.path()), Some("x"), &big).await
        };
        assert!(answer.status == 404 || answer.status == 413 || answer.status == 429, "{}", answer.status);
    }
    assert_eq!(meeting.snapshot(), before);
    assert_eq!(room.guests(), 0);
    drop::<Room>(room);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_vote_sent_five_times_at_once_is_written_once() {
    let meeting = Meeting::new();
    let room = std::sync::Arc::new(meeting.open(true, true).await);
    let token = join(&room, "Sam", "youth").await;
    let body = format!(r#"{{"kind":"vote","question":"{}"}}"#, meeting.question);
    let sends: Vec<_> = (0..5)
        .map(|_| {
            let (room, token, body) = (room.clone(), token.clone(), body.clone());
            tokio::spawn(
                async move { post(&room, &format!("{}send", room.path()), Some(&token), body.as_bytes()).await },
            )
        })
        .collect();
    let mut statuses = Vec::new();
    for send in sends {
        statuses.push(send.await.unwrap().status);
    }
    statuses.sort();
    assert_eq!(statuses, [200, 409, 409, 409, 409]);
    assert_eq!(meeting.contributions(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_end_of_its_time_a_room_answers_nothing() {
    let meeting = Meeting::new();
    let setup = kring_model::RoomSetup { questions: vec![meeting.question.clone()], ..Default::default() };
    let room = meeting.open_for(setup, Duration::from_millis(400)).await;
    let mut events = room.subscribe();
    join(&room, "Sam", "youth").await;
    assert_eq!(get(&room, &room.path()).await.status, 200);
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Ok(kring_room::RoomEvent::Ended) = events.recv().await {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the room says its time is up");
    // The server stops: no phone reaches it (a connection still open gets "not found").
    let until = Instant::now() + Duration::from_secs(5);
    while tokio::net::TcpStream::connect(room.addr()).await.is_ok() {
        assert!(Instant::now() < until, "the address still answers");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(meeting.contributions(), 0);
}

// --- Photos from phones ------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_is_refused_where_the_room_takes_none() {
    let meeting = Meeting::new();
    let room = meeting.open(true, true).await;
    let token = join(&room, "Sam", "youth").await;
    let answer = send_photo(&room, &token, &png(8, 8)).await;
    assert_eq!((answer.status, error_word(&answer).as_str()), (403, "no-photos"));
    assert_eq!((meeting.contributions(), meeting.host.photos_kept()), (0, 0));
    // The page does not offer it either.
    let state: serde_json::Value =
        serde_json::from_slice(&get(&room, &format!("{}state", room.path())).await.body).unwrap();
    assert_eq!(state["photos"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_png_and_a_jpeg_with_exif_are_kept_only_as_the_laptops_own_jpeg() {
    let meeting = Meeting::new();
    let room = meeting.open_for_photos().await;
    let state: serde_json::Value =
        serde_json::from_slice(&get(&room, &format!("{}state", room.path())).await.body).unwrap();
    assert_eq!(state["photos"], true);
    let token = join(&room, "Sam", "youth").await;
    // A PNG with a script after its end, and a JPEG whose EXIF says where it was taken.
    let mut png = png(64, 48);
    png.extend_from_slice(b"<script>alert(1)</script>");
    let jpeg = jpeg_with_exif(40, 30);
    assert!(jpeg.windows(4).any(|w| w == b"Exif") && jpeg.windows(GPS_MARK.len()).any(|w| w == GPS_MARK));
    for upload in [&png, &jpeg] {
        let answer = send_photo(&room, &token, upload).await;
        assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    }
    let kept = meeting.guest_photos();
    assert_eq!(kept.len(), 2);
    for ((attachment, bytes), (width, height)) in kept.iter().zip([(64, 48), (40, 30)]) {
        assert_eq!(attachment.kind, kring_model::AttachmentKind::Image);
        assert_eq!(attachment.size, bytes.len() as u64);
        assert_eq!(image::guess_format(bytes).unwrap(), image::ImageFormat::Jpeg, "re-encoded as a JPEG");
        let decoded = image::load_from_memory(bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (width, height));
        // Nothing of what came with the pixels: no EXIF block, no position, no script.
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "an EXIF block was kept");
        assert!(!bytes.windows(GPS_MARK.len()).any(|w| w == GPS_MARK), "the position was kept");
        assert!(!bytes.windows(7).any(|w| w.eq_ignore_ascii_case(b"<script")), "the script was kept");
        assert!(bytes.ends_with(&[0xFF, 0xD9]), "nothing after the image's end");
        // Marked as the guest's: the contribution it came with says who.
        let from = attachment.from_guest.as_ref().unwrap();
        let snapshot = meeting.snapshot();
        let sent = &snapshot.sessions[&meeting.session].rooms[&from.room].guests[&from.contribution];
        assert_eq!((sent.kind, sent.name.as_str()), (GuestKind::Photo, "Sam"));
        assert_eq!(sent.perspective, kring_model::GuestPerspective::Youth);
        assert_eq!(sent.attachment.as_ref(), Some(&attachment.id));
    }
    assert_eq!(room.photos(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_not_a_photo_too_large_or_a_bomb_is_refused_and_nothing_is_written() {
    let meeting = Meeting::new();
    let room = meeting.open_for_photos().await;
    let token = join(&room, "Sam", "youth").await;
    let cases: [(&str, Vec<u8>, u16, &str); 4] = [
        ("a script", b"<script>alert(1)</script>".to_vec(), 415, "not-an-image"),
        ("a PDF", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n".to_vec(), 415, "not-an-image"),
        ("a PNG cut short", png(64, 48)[..60].to_vec(), 422, "unreadable-image"),
        ("a tiny PNG claiming 100 megapixels", png_claiming(10_000, 10_000), 413, "too-many-pixels"),
    ];
    for (what, bytes, status, word) in cases {
        let answer = send_photo(&room, &token, &bytes).await;
        assert_eq!((answer.status, error_word(&answer).as_str()), (status, word), "{what}");
    }
    // More than 8 MB: refused on its stated length, before the body is read. (The first
    // kilobyte is sent; the rest would be thrown away unread.)
    let head = format!(
        "POST {}photo HTTP/1.1\r\nHost: kamer\r\nConnection: close\r\nContent-Type: image/jpeg\r\n\
         X-Kring-Gast: {token}\r\nContent-Length: {}\r\n\r\n",
        room.path(),
        kring_room::MAX_PHOTO_BYTES + 1
    );
    let mut request = head.into_bytes();
    request.extend_from_slice(&[0xFF; 1024]);
    let answer = raw(&room, &request).await;
    assert_eq!((answer.status, error_word(&answer).as_str()), (413, "photo-too-large"));
    assert_eq!((meeting.contributions(), meeting.host.photos_kept(), room.photos()), (0, 0, 0));
    // Refusals do not count against the guest: a photo still goes.
    assert_eq!(send_photo(&room, &token, &png(4, 4)).await.status, 200);
    // Nor does any other send take a body that large.
    let big = vec![b' '; kring_room::MAX_BODY + 1];
    assert_eq!(post(&room, &format!("{}send", room.path()), Some(&token), &big).await.status, 413);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_sends_at_most_three_photos_and_only_after_joining() {
    let meeting = Meeting::new();
    let room = meeting.open_for_photos().await;
    let stranger = send_photo(&room, &kring_room_code_like(1), &png(4, 4)).await;
    assert_eq!((stranger.status, error_word(&stranger).as_str()), (401, "unknown-guest"));
    let sam = join(&room, "Sam", "youth").await;
    for n in 0..kring_room::MAX_PHOTOS_PER_GUEST {
        assert_eq!(send_photo(&room, &sam, &png(4 + n as u32, 4)).await.status, 200, "photo {n}");
    }
    let fourth = send_photo(&room, &sam, &png(9, 9)).await;
    assert_eq!((fourth.status, error_word(&fourth).as_str()), (409, "photo-limit"));
    // Another guest still may.
    let parent = join(&room, "", "parent").await;
    assert_eq!(send_photo(&room, &parent, &png(5, 5)).await.status, 200);
    assert_eq!(meeting.guest_photos().len(), kring_room::MAX_PHOTOS_PER_GUEST + 1);
    assert_eq!(room.photos(), kring_room::MAX_PHOTOS_PER_GUEST + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_takes_a_hundred_photos_and_no_more() {
    let meeting = Meeting::new();
    let room = meeting.open_for_photos().await;
    let tiny = png(2, 2);
    let mut sent = 0;
    while sent < kring_room::MAX_PHOTOS_PER_ROOM {
        let token = join(&room, "", "parent").await;
        for _ in 0..kring_room::MAX_PHOTOS_PER_GUEST.min(kring_room::MAX_PHOTOS_PER_ROOM - sent) {
            assert_eq!(send_photo(&room, &token, &tiny).await.status, 200, "photo {sent}");
            sent += 1;
        }
    }
    let late = join(&room, "Laat", "youth").await;
    let answer = send_photo(&room, &late, &tiny).await;
    assert_eq!((answer.status, error_word(&answer).as_str()), (409, "room-photo-limit"));
    assert_eq!((meeting.host.photos_kept(), room.photos()), (1, kring_room::MAX_PHOTOS_PER_ROOM));
    assert_eq!(meeting.guest_photos().len(), kring_room::MAX_PHOTOS_PER_ROOM);
}
