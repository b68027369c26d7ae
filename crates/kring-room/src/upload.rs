//! A guest's photo as it arrives: only where the room takes photos, from a guest who joined and
//! has photos left, at most [`MAX_PHOTO_BYTES`], held in memory only. What is kept and attached
//! to the meeting is the laptop's own re-encoding ([`crate::photo::reencode`]), never the bytes
//! the phone sent.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::Response;
use kring_model::{AttachmentKind, ContributionId, Edit, GuestInput, ModelError, NewAttachment};

use crate::host::HostError;
use crate::http::{error, json, sender};
use crate::limits::{MAX_PHOTOS_PER_GUEST, MAX_PHOTOS_PER_ROOM};
use crate::photo::{MAX_PHOTO_BYTES, reencode};
use crate::server::{RoomEvent, SentContribution, Shared, lock};

/// The name a guest's photo is attached under (the phone's own file name is never kept: it
/// can say more than the guest meant to).
const PHOTO_NAME: &str = "gastfoto.jpg";

pub(crate) async fn photo(shared: &Arc<Shared>, token: Option<String>, request: Request) -> Response {
    if !shared.photos {
        return error(StatusCode::FORBIDDEN, "no-photos");
    }
    // Who sends, and whether they may send one more: decided (and the photo counted) before a
    // byte of the body is read.
    let guest = {
        let mut guests = lock(&shared.guests);
        let state = match sender(&mut guests, token) {
            Ok(state) => state,
            Err(refused) => return refused.answer(),
        };
        if state.photos >= MAX_PHOTOS_PER_GUEST {
            return error(StatusCode::CONFLICT, "photo-limit");
        }
        if shared.photos_sent.load(Ordering::SeqCst) >= MAX_PHOTOS_PER_ROOM {
            return error(StatusCode::CONFLICT, "room-photo-limit");
        }
        state.photos += 1;
        shared.photos_sent.fetch_add(1, Ordering::SeqCst);
        state.guest.clone()
    };
    match take(shared, &guest, request).await {
        Ok((made, file)) => {
            let input = GuestInput::Photo { file };
            let _ = shared.events.send(RoomEvent::Contribution(SentContribution::of(made, &guest, &input)));
            json(&serde_json::json!({ "ok": true }))
        }
        Err(response) => {
            // Nothing was written: the photo does not count.
            let mut guests = lock(&shared.guests);
            if let Some(state) = guests.values_mut().find(|s| s.guest.id == guest.id) {
                state.photos = state.photos.saturating_sub(1);
            }
            shared.photos_sent.fetch_sub(1, Ordering::SeqCst);
            response
        }
    }
}

/// Reads the photo, re-encodes it, keeps the re-encoding and writes the guest's contribution
/// with its attachment; the contribution and what the attachment says of the file.
async fn take(
    shared: &Arc<Shared>,
    guest: &kring_model::Guest,
    request: Request,
) -> Result<(ContributionId, NewAttachment), Response> {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_PHOTO_BYTES as u64) {
        return Err(error(StatusCode::PAYLOAD_TOO_LARGE, "photo-too-large"));
    }
    let bytes = axum::body::to_bytes(request.into_body(), MAX_PHOTO_BYTES)
        .await
        .map_err(|_| error(StatusCode::PAYLOAD_TOO_LARGE, "photo-too-large"))?;
    let _turn = shared.decoding.acquire().await.map_err(|_| error(StatusCode::GONE, "closed"))?;
    let writing = shared.clone();
    let guest = guest.clone();
    let written = tokio::task::spawn_blocking(move || {
        let jpeg = reencode(&bytes).map_err(Refused::Photo)?;
        // The phone's bytes are not needed any more: only the re-encoding goes on.
        drop(bytes);
        let size = jpeg.len() as u64;
        let hash = writing.host.keep_photo(jpeg).map_err(Refused::Host)?;
        let file = NewAttachment { name: PHOTO_NAME.into(), kind: AttachmentKind::Image, size, hash };
        let edit = Edit::GuestContribution {
            session: writing.session.clone(),
            room: writing.room.clone(),
            guest,
            input: GuestInput::Photo { file: file.clone() },
        };
        let applied = writing.host.apply(edit).map_err(Refused::Host)?;
        let made = applied
            .created()
            .map(ContributionId::new)
            .ok_or(Refused::Host(HostError::Other("the photo was not written".into())))?;
        Ok((made, file))
    })
    .await;
    match written {
        Ok(Ok(made)) => Ok(made),
        Ok(Err(Refused::Photo(err))) => {
            let status = match err {
                crate::PhotoError::NotAnImage => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                crate::PhotoError::TooManyPixels => StatusCode::PAYLOAD_TOO_LARGE,
                crate::PhotoError::Unreadable => StatusCode::UNPROCESSABLE_ENTITY,
            };
            Err(error(status, err.word()))
        }
        Ok(Err(Refused::Host(HostError::Model(ModelError::RoomClosed(_) | ModelError::UnknownRoom(_))))) => {
            Err(error(StatusCode::GONE, "closed"))
        }
        Ok(Err(Refused::Host(HostError::Model(_) | HostError::Refused(_)))) => {
            Err(error(StatusCode::BAD_REQUEST, "invalid"))
        }
        Ok(Err(Refused::Host(HostError::Other(err)))) => {
            tracing::warn!("a guest's photo could not be kept: {err}");
            Err(error(StatusCode::INTERNAL_SERVER_ERROR, "failed"))
        }
        Err(_) => Err(error(StatusCode::INTERNAL_SERVER_ERROR, "failed")),
    }
}

enum Refused {
    Photo(crate::PhotoError),
    Host(HostError),
}
