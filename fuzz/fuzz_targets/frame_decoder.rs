//! `FrameReader` on an arbitrary byte stream cut into arbitrary pieces.
//!
//! Input: `limit selector (1) | chunking seed (1) | stream`. Must never panic, and the pieces
//! must not matter: the messages (and whether it ends in an error) are the same as when the
//! whole stream arrives at once. Every message read must survive encode → decode unchanged.
#![no_main]

use kring_sync::{FrameReader, Message, frame};
use libfuzzer_sys::fuzz_target;

/// Small limits keep memory bounded and reach the "too large" path; the largest still lets
/// real sync frames (a few kB in the seeds) through.
const LIMITS: [usize; 5] = [0, 8, 256, 4096, 64 * 1024];

/// What a reader yields for a stream: the messages, then how it stopped.
#[derive(Debug, PartialEq)]
struct Outcome {
    messages: Vec<Message>,
    error: Option<kring_sync::FrameError>,
}

fn drain(reader: &mut FrameReader, out: &mut Outcome) -> bool {
    loop {
        if let Some((received, len)) = reader.pending() {
            assert!(received < len, "pending() reports a frame that is already complete");
        }
        match reader.next_message() {
            Ok(Some(message)) => out.messages.push(message),
            Ok(None) => return true,
            Err(err) => {
                out.error = Some(err);
                return false;
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let [limit, seed, stream @ ..] = data else { return };
    let limit = LIMITS[*limit as usize % LIMITS.len()];

    // All at once.
    let mut whole = Outcome { messages: Vec::new(), error: None };
    let mut reader = FrameReader::with_limit(limit);
    reader.push(stream);
    drain(&mut reader, &mut whole);

    // In pieces of 0..=max bytes (a xorshift sequence from the seed), reading after each.
    let mut pieces = Outcome { messages: Vec::new(), error: None };
    let mut reader = FrameReader::with_limit(limit);
    let max = 1 + (*seed as usize % 64);
    let mut state = u32::from(*seed) | 0x100;
    let mut rest = stream;
    while !rest.is_empty() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let take = (state as usize % (max + 1)).min(rest.len());
        let (piece, tail) = rest.split_at(take);
        reader.push(piece);
        rest = tail;
        if !drain(&mut reader, &mut pieces) {
            break;
        }
    }

    assert_eq!(whole, pieces, "the split of the stream changed what was read");
    for message in whole.messages {
        let mut again = FrameReader::with_limit(usize::MAX);
        again.push(&frame::encode(&message));
        assert_eq!(again.next_message(), Ok(Some(message)), "a message did not survive encode/decode");
        assert_eq!(again.pending(), None);
    }
});
