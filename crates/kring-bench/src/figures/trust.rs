//! What trust costs: signing changes and checking every received change (signatures, then the
//! rules at the change's own history), measured alone on the generated network so that it
//! stands beside the join, edit and resync figures it is part of.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use iroh_base::SecretKey;
use kring_model::trust::RuleBook;
use kring_model::{MemberId, SessionId, TextField};
use kring_sync::SignatureBook;
use kring_sync::signed::{changes_since, sign_batch, verify_batch};

use crate::scenario::{Dice, Scenario};

pub struct TrustFigures {
    /// What a joiner spends taking the changes out of the received document, and checking them.
    pub join_extract: Duration,
    pub join_check: Duration,
    pub join_changes: usize,
    /// The signatures that travel with the whole network.
    pub join_signature_bytes: usize,
    /// Per edit, typing in the notes: signing on the sending laptop, checking on the receiving.
    pub edit_sign: Vec<Duration>,
    pub edit_check: Vec<Duration>,
    /// Checking `resync_changes` changes made offline.
    pub resync_check: Duration,
    pub resync_changes: usize,
}

/// Measures on copies of the generated network: `founder_key` signs as the founder's laptop.
pub fn measure(
    generated: &mut Scenario,
    founder_key: &SecretKey,
    edits: usize,
    offline_edits: usize,
) -> Result<TrustFigures> {
    let mut joiner = generated.network.fork().into_doc();
    let started = Instant::now();
    let changes = changes_since(&mut joiner, &[]);
    let join_extract = started.elapsed();
    let mut book = SignatureBook::default();
    book.offer(&generated.signatures);
    let started = Instant::now();
    verify_batch(&joiner, &changes, &mut book, &mut RuleBook::default(), true).context("the network checks")?;
    let join_check = started.elapsed();

    let mut sender = generated.network.fork();
    sender.set_device(&founder_key.public().to_string());
    let mut receiver = generated.network.fork().into_doc();
    let (mut sender_book, mut receiver_book, mut rules) =
        (SignatureBook::default(), SignatureBook::default(), RuleBook::default());
    let mut dice = Dice::new(11);
    let (mut edit_sign, mut edit_check) = (Vec::new(), Vec::new());
    for n in 0..edits {
        let change = type_once(&mut sender, &generated.founder, &generated.sessions, &mut dice, n)?;
        let started = Instant::now();
        let signatures =
            sign_batch(sender.doc_mut(), &[change.hash()], &sender_book, founder_key).context("own changes sign")?;
        edit_sign.push(started.elapsed());
        receiver.apply_changes([change.clone()])?;
        receiver_book.offer(&signatures);
        let started = Instant::now();
        verify_batch(&receiver, &[change], &mut receiver_book, &mut rules, false).context("an edit checks")?;
        edit_check.push(started.elapsed());
        sender_book = SignatureBook::default();
    }

    let heads = receiver.get_heads();
    for n in 0..offline_edits {
        type_once(&mut sender, &generated.founder, &generated.sessions, &mut dice, n)?;
    }
    let offline = changes_since(sender.doc_mut(), &heads);
    let hashes: Vec<_> = offline.iter().map(|c| c.hash()).collect();
    let signatures = sign_batch(sender.doc_mut(), &hashes, &sender_book, founder_key).context("own changes sign")?;
    receiver.apply_changes(offline.clone())?;
    receiver_book.offer(&signatures);
    let started = Instant::now();
    verify_batch(&receiver, &offline, &mut receiver_book, &mut rules, false).context("the offline edits check")?;
    let resync_check = started.elapsed();
    ensure!(receiver.get_heads() == sender.heads(), "the receiver holds every change");

    Ok(TrustFigures {
        join_extract,
        join_check,
        join_changes: changes.len(),
        join_signature_bytes: SignatureBook::encode(&generated.signatures).len(),
        edit_sign,
        edit_check,
        resync_check,
        resync_changes: offline.len(),
    })
}

/// One burst of typing by the founder in a meeting's notes; the change it made.
fn type_once(
    network: &mut kring_model::Network,
    me: &MemberId,
    sessions: &[SessionId],
    dice: &mut Dice,
    n: usize,
) -> Result<kring_model::automerge::Change> {
    let field = TextField::Notes(sessions[dice.below(sessions.len())].clone());
    let at = dice.below(network.text(&field)?.chars().count());
    network.splice_text(me, &field, at, 0, &format!(" [aanvulling {n}]"))?;
    network.doc_mut().get_last_local_change().context("the edit made a change")
}
