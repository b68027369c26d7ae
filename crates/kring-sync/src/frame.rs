//! Length-prefixed frames on a byte stream: `u32 big-endian length | postcard-encoded message`.
//! Used for [`Message`]s on the sync stream, and for any other serde message (the join
//! handshake).
//!
//! [`FrameReader`] takes bytes as they arrive, in pieces of any size, and yields whole
//! messages. A frame larger than the limit is refused before its bytes are buffered, so a
//! hostile peer cannot make us allocate without bound.

use crate::wire::Message;

/// Large enough for the first sync of a network with years of notes (a whole compressed
/// document in one message), small enough to bound memory per connection.
pub const MAX_FRAME: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("the peer sent a frame of {len} bytes; at most {max} are allowed")]
    TooLarge { len: usize, max: usize },
    #[error("the peer sent a frame that is not a Kring message: {0}")]
    Malformed(String),
}

pub fn encode<T: serde::Serialize>(message: &T) -> Vec<u8> {
    let body = postcard::to_stdvec(message).expect("messages always serialise");
    let mut frame = Vec::with_capacity(4 + body.len());
    frame.extend_from_slice(&(body.len() as u32).to_be_bytes());
    frame.extend_from_slice(&body);
    frame
}

#[derive(Debug)]
pub struct FrameReader {
    buffer: Vec<u8>,
    max: usize,
}

impl Default for FrameReader {
    fn default() -> Self {
        FrameReader::with_limit(MAX_FRAME)
    }
}

impl FrameReader {
    pub fn with_limit(max: usize) -> FrameReader {
        FrameReader { buffer: Vec::new(), max }
    }

    /// Changes the largest frame accepted from now on; a frame whose header has arrived is
    /// judged again by the new limit. The node raises it once a device has opened a network it
    /// may sync: until then a stranger may send only frames as small as an `Open`.
    pub fn set_limit(&mut self, max: usize) {
        self.max = max;
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The frame being received, if its header has arrived but not all of it: bytes so far
    /// and its full size. A long first sync shows its progress with this.
    pub fn pending(&self) -> Option<(usize, usize)> {
        let header = self.buffer.get(..4)?;
        let len = u32::from_be_bytes(header.try_into().expect("4 bytes")) as usize;
        let received = self.buffer.len() - 4;
        (received < len).then_some((received, len))
    }

    /// The next whole message, `Ok(None)` if more bytes are needed. After an error the stream
    /// cannot be trusted any more and must be closed.
    pub fn next_message(&mut self) -> Result<Option<Message>, FrameError> {
        self.next_frame()
    }

    /// Like [`FrameReader::next_message`], for any message type.
    pub fn next_frame<T: serde::de::DeserializeOwned>(&mut self) -> Result<Option<T>, FrameError> {
        let Some(header) = self.buffer.get(..4) else { return Ok(None) };
        let len = u32::from_be_bytes(header.try_into().expect("4 bytes")) as usize;
        if len > self.max {
            return Err(FrameError::TooLarge { len, max: self.max });
        }
        if self.buffer.len() < 4 + len {
            return Ok(None);
        }
        let message =
            postcard::from_bytes(&self.buffer[4..4 + len]).map_err(|err| FrameError::Malformed(err.to_string()));
        self.buffer.drain(..4 + len);
        message.map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Vec<Message> {
        vec![
            Message::Open { network: "n1".into(), chapter: String::new() },
            Message::Sync {
                network: "n1".into(),
                chapter: String::new(),
                data: vec![0x42, 1, 2, 3],
                signatures: vec![],
            },
            Message::Refused { network: "n2".into() },
        ]
    }

    #[test]
    fn messages_survive_any_split_of_the_stream() {
        let stream: Vec<u8> = sample().iter().flat_map(encode).collect();
        for piece in 1..=stream.len() {
            let mut reader = FrameReader::default();
            let mut got = Vec::new();
            for chunk in stream.chunks(piece) {
                reader.push(chunk);
                while let Some(message) = reader.next_message().unwrap() {
                    got.push(message);
                }
            }
            assert_eq!(got, sample(), "pieces of {piece} bytes");
        }
    }

    #[test]
    fn a_partly_received_frame_tells_its_progress() {
        let frame = encode(&Message::Sync {
            network: "n1".into(),
            chapter: String::new(),
            data: vec![7; 1000],
            signatures: vec![],
        });
        let mut reader = FrameReader::default();
        assert_eq!(reader.pending(), None);
        reader.push(&frame[..504]);
        assert_eq!(reader.pending(), Some((500, frame.len() - 4)));
        reader.push(&frame[504..]);
        assert_eq!(reader.pending(), None, "a whole frame is not pending");
        assert!(reader.next_message().unwrap().is_some());
        assert_eq!(reader.pending(), None);
    }

    #[test]
    fn an_oversized_frame_is_refused_from_its_header() {
        let mut reader = FrameReader::with_limit(1024);
        reader.push(&(1025u32).to_be_bytes());
        assert_eq!(reader.next_message(), Err(FrameError::TooLarge { len: 1025, max: 1024 }));
    }

    #[test]
    fn a_raised_limit_takes_the_frame_the_small_one_refused() {
        let stream: Vec<u8> = [
            Message::Open { network: "n1".into(), chapter: String::new() },
            Message::Refused { network: "n".repeat(1000) },
        ]
        .iter()
        .flat_map(encode)
        .collect();
        for raise in [false, true] {
            let mut reader = FrameReader::with_limit(256);
            reader.push(&stream);
            assert_eq!(reader.next_message(), Ok(Some(Message::Open { network: "n1".into(), chapter: String::new() })));
            if raise {
                reader.set_limit(MAX_FRAME);
                assert!(matches!(reader.next_message(), Ok(Some(Message::Refused { .. }))));
            } else {
                assert!(matches!(reader.next_message(), Err(FrameError::TooLarge { max: 256, .. })));
            }
        }
    }

    #[test]
    fn garbage_is_a_malformed_frame() {
        let mut reader = FrameReader::default();
        reader.push(&[0, 0, 0, 3, 0xff, 0xff, 0xff]);
        assert!(matches!(reader.next_message(), Err(FrameError::Malformed(_))));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let mut reader = FrameReader::with_limit(4096);
            reader.push(&bytes);
            while let Ok(Some(_)) = reader.next_message() {}
        }
    }
}
