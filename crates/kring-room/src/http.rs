//! The room's HTTP side: one handler that reads the path itself, so that a wrong room code and
//! an address that does not exist get the very same answer, and every answer carries the same
//! strict headers.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use kring_model::{
    ContributionId, Edit, FactorId, Guest, GuestId, GuestInput, GuestPerspective, ModelError, QuestionId,
};
use serde::Deserialize;

use crate::assets;
use crate::host::HostError;
use crate::limits::{MAX_BODY, MAX_GUESTS, MAX_TEXTS_PER_GUEST, VIEW_FRESH};
use crate::server::{GuestState, RoomEvent, SentContribution, Shared, lock, random_code};
use crate::view::view_of;

/// The header a phone names itself with (its random token; no cookies).
pub const GUEST_HEADER: &str = "x-kring-gast";

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared).layer(axum::middleware::map_response(secure))
}

/// Every answer: nothing from elsewhere, no inline script, never framed, never cached, and
/// the room's address (its code) never sent on as a referrer.
async fn secure(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(
        headers,
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "no-referrer");
    set(headers, "x-frame-options", "DENY");
    set(headers, "cache-control", "no-store");
    set(headers, "cross-origin-opener-policy", "same-origin");
    set(headers, "cross-origin-resource-policy", "same-origin");
    set(headers, "permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    response
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let Some((code, rest)) = path.strip_prefix("/k/").map(|rest| rest.split_once('/').unwrap_or((rest, "\0"))) else {
        return not_found();
    };
    let ended = shared.closed.load(Ordering::SeqCst) || Instant::now() >= shared.until;
    if !same_code(code, &shared.code) || ended {
        return not_found();
    }
    if !lock(&shared.overall).take() {
        return too_many();
    }
    let method = request.method().clone();
    match (method, rest) {
        // The page's own address without its last slash: its relative links need the slash.
        (Method::GET, "\0") => redirect(&format!("/k/{code}/")),
        (Method::GET, "") => file(assets::PAGE, "text/html; charset=utf-8"),
        (Method::GET, "room.css") => file(assets::STYLE, "text/css; charset=utf-8"),
        (Method::GET, "room.js") => file(assets::SCRIPT, "text/javascript; charset=utf-8"),
        (Method::GET, "state") => state(&shared).await,
        (Method::POST, "join") => match body(request).await {
            Ok(bytes) => join(&shared, &bytes),
            Err(response) => response,
        },
        (Method::POST, "photo") => {
            let token = request.headers().get(GUEST_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
            crate::upload::photo(&shared, token, request).await
        }
        (Method::POST, "send") => {
            let token = request.headers().get(GUEST_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
            match body(request).await {
                Ok(bytes) => send(&shared, token, &bytes).await,
                Err(response) => response,
            }
        }
        _ => not_found(),
    }
}

/// Counts a contribution a guest sends (or takes it back, when it could not be written).
fn count(state: &mut GuestState, input: &GuestInput, sent: bool) {
    match input {
        GuestInput::Vote { question } if sent => {
            state.votes.insert(question.clone());
        }
        GuestInput::Vote { question } => {
            state.votes.remove(question);
        }
        GuestInput::Score { .. } => state.scored = sent,
        GuestInput::Question { .. } | GuestInput::Reaction { .. } if sent => state.texts += 1,
        GuestInput::Question { .. } | GuestInput::Reaction { .. } => state.texts = state.texts.saturating_sub(1),
        // Counted where photos are taken (`upload.rs`).
        GuestInput::Photo { .. } => {}
    }
}

/// Compares the whole code whatever its first wrong character (no timing to guess it by).
fn same_code(given: &str, code: &str) -> bool {
    given.len() == code.len() && given.bytes().zip(code.bytes()).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0
}

pub(crate) fn respond(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The one answer for every address that is not a room's.
fn not_found() -> Response {
    respond(StatusCode::NOT_FOUND, "text/plain; charset=utf-8", "Niet gevonden / Not found\n")
}

fn file(content: &'static str, content_type: &'static str) -> Response {
    respond(StatusCode::OK, content_type, content)
}

fn redirect(to: &str) -> Response {
    let mut response = respond(StatusCode::SEE_OTHER, "text/plain; charset=utf-8", "");
    if let Ok(location) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// An answer the page reads: `{"error": "<word>"}` (the page words it in the guest's language).
pub(crate) fn error(status: StatusCode, word: &str) -> Response {
    let body = serde_json::json!({ "error": word }).to_string();
    respond(status, "application/json", body)
}

/// Why a guest may not send now.
pub(crate) enum NotNow {
    /// No guest joined with that token.
    Unknown,
    /// Her bucket is empty for the moment.
    TooMany,
}

impl NotNow {
    pub(crate) fn answer(self) -> Response {
        match self {
            NotNow::Unknown => error(StatusCode::UNAUTHORIZED, "unknown-guest"),
            NotNow::TooMany => too_many(),
        }
    }
}

/// The guest whose token `token` is, if she joined and may send now (a token taken from her
/// bucket).
pub(crate) fn sender(
    guests: &mut std::collections::HashMap<String, GuestState>,
    token: Option<String>,
) -> std::result::Result<&mut GuestState, NotNow> {
    let state = token.and_then(|token| guests.get_mut(&token)).ok_or(NotNow::Unknown)?;
    if !state.bucket.take() {
        return Err(NotNow::TooMany);
    }
    Ok(state)
}

pub(crate) fn too_many() -> Response {
    let mut response = error(StatusCode::TOO_MANY_REQUESTS, "too-many");
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    response
}

pub(crate) fn json(value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => respond(StatusCode::OK, "application/json", bytes),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "failed"),
    }
}

/// A JSON body of at most [`MAX_BODY`] bytes, refused before it is read when it says it is
/// larger.
async fn body(request: Request) -> Result<axum::body::Bytes, Response> {
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json")));
    if !is_json {
        return Err(error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "json-only"));
    }
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY as u64) {
        return Err(error(StatusCode::PAYLOAD_TOO_LARGE, "too-large"));
    }
    axum::body::to_bytes(request.into_body(), MAX_BODY)
        .await
        .map_err(|_| error(StatusCode::PAYLOAD_TOO_LARGE, "too-large"))
}

/// The room as the page shows it, read again at most every [`VIEW_FRESH`].
pub(crate) fn read_view(shared: &Shared) -> Option<crate::RoomView> {
    let snapshot = shared.host.snapshot().ok()?;
    view_of(&snapshot, &shared.session, &shared.room)
}

async fn state(shared: &Arc<Shared>) -> Response {
    if let Some((at, bytes)) = lock(&shared.view).as_ref()
        && at.elapsed() < VIEW_FRESH
    {
        return respond(StatusCode::OK, "application/json", bytes.as_ref().clone());
    }
    let reading = shared.clone();
    let view = tokio::task::spawn_blocking(move || read_view(&reading)).await.ok().flatten();
    let Some(view) = view else { return error(StatusCode::GONE, "closed") };
    let Ok(bytes) = serde_json::to_vec(&view) else { return error(StatusCode::INTERNAL_SERVER_ERROR, "failed") };
    let bytes = Arc::new(bytes);
    *lock(&shared.view) = Some((Instant::now(), bytes.clone()));
    respond(StatusCode::OK, "application/json", bytes.as_ref().clone())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JoinBody {
    #[serde(default)]
    name: String,
    perspective: String,
}

fn join(shared: &Shared, bytes: &[u8]) -> Response {
    let Ok(asked) = serde_json::from_slice::<JoinBody>(bytes) else {
        return error(StatusCode::BAD_REQUEST, "invalid");
    };
    let name = asked.name.trim();
    if name.chars().count() > kring_model::validate::MAX_GUEST_NAME || name.chars().any(char::is_control) {
        return error(StatusCode::BAD_REQUEST, "name");
    }
    let Ok(perspective) = asked.perspective.parse::<GuestPerspective>() else {
        return error(StatusCode::BAD_REQUEST, "perspective");
    };
    let token = random_code();
    let guests = {
        let mut guests = lock(&shared.guests);
        if guests.len() >= MAX_GUESTS {
            return error(StatusCode::SERVICE_UNAVAILABLE, "full");
        }
        let guest = Guest { id: GuestId::random(), name: name.to_string(), perspective };
        guests.insert(token.clone(), GuestState::new(guest));
        guests.len()
    };
    let _ = shared.events.send(RoomEvent::Joined { guests });
    json(&serde_json::json!({ "token": token }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", tag = "kind")]
enum SendBody {
    Vote {
        question: String,
    },
    Question {
        text: String,
    },
    Score {
        scores: BTreeMap<String, i64>,
        #[serde(default)]
        comment: String,
    },
    Reaction {
        text: String,
    },
}

async fn send(shared: &Arc<Shared>, token: Option<String>, bytes: &[u8]) -> Response {
    let Ok(asked) = serde_json::from_slice::<SendBody>(bytes) else {
        return error(StatusCode::BAD_REQUEST, "invalid");
    };
    let input = match asked {
        SendBody::Vote { question } => GuestInput::Vote { question: QuestionId::new(question) },
        SendBody::Question { text } => GuestInput::Question { text },
        SendBody::Reaction { text } => GuestInput::Reaction { text },
        SendBody::Score { scores, comment } => {
            let scores = scores.into_iter().map(|(factor, score)| (FactorId::new(factor), score)).collect();
            GuestInput::Score { scores, comment }
        }
    };
    // Who sends, whether they may send now, and whether this was sent before: decided under
    // the guests' lock, before anything is written.
    let guest = {
        let mut guests = lock(&shared.guests);
        let state = match sender(&mut guests, token) {
            Ok(state) => state,
            Err(refused) => return refused.answer(),
        };
        let repeated = match &input {
            GuestInput::Vote { question } => state.votes.contains(question),
            GuestInput::Score { .. } => state.scored,
            GuestInput::Question { .. } | GuestInput::Reaction { .. } => state.texts >= MAX_TEXTS_PER_GUEST,
            // Never sent here: a photo comes by its own route.
            GuestInput::Photo { .. } => true,
        };
        if repeated {
            return error(StatusCode::CONFLICT, "already");
        }
        // Counted now, so that the same vote sent twice at once is written once.
        count(state, &input, true);
        state.guest.clone()
    };
    let writing = shared.clone();
    let edit = Edit::GuestContribution {
        session: shared.session.clone(),
        room: shared.room.clone(),
        guest: guest.clone(),
        input: input.clone(),
    };
    let written = tokio::task::spawn_blocking(move || {
        writing.host.apply(edit).map(|applied| applied.created().map(ContributionId::new))
    })
    .await;
    let made = match written {
        Ok(Ok(Some(made))) => Ok(made),
        Ok(Err(HostError::Model(ModelError::RoomClosed(_) | ModelError::UnknownRoom(_)))) => {
            Err(error(StatusCode::GONE, "closed"))
        }
        Ok(Err(HostError::Model(ModelError::RoundClosed(_)))) => Err(error(StatusCode::GONE, "round-closed")),
        Ok(Err(HostError::Model(_) | HostError::Refused(_))) => Err(error(StatusCode::BAD_REQUEST, "invalid")),
        Ok(Err(HostError::Other(err))) => {
            tracing::warn!("a guest's contribution could not be written: {err}");
            Err(error(StatusCode::INTERNAL_SERVER_ERROR, "failed"))
        }
        Ok(Ok(None)) | Err(_) => Err(error(StatusCode::INTERNAL_SERVER_ERROR, "failed")),
    };
    let made = match made {
        Ok(made) => made,
        Err(response) => {
            // Nothing was written: the guest may send it again.
            if let Some(state) = lock(&shared.guests).values_mut().find(|s| s.guest.id == guest.id) {
                count(state, &input, false);
            }
            return response;
        }
    };
    let _ = shared.events.send(RoomEvent::Contribution(SentContribution::of(made, &guest, &input)));
    json(&serde_json::json!({ "ok": true }))
}
