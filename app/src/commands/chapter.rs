//! `kring chapter new|show` and `kring erase`: a new chapter of a network, with or without
//! something erased for everyone. The switch happens on this laptop at once; other laptops take
//! the new chapter the next time they sync with one that has it.

use anyhow::{Context, Result, bail};
use kring_model::{ChapterInfo, Erasure, FactorId, MemberId, QuestionId, RoundId, SessionId, TextField};
use kring_store::DataDir;

use super::output::{Chapter, ChapterShown, ChapterStarted, MemberChapter, Output, Switch};
use crate::cli::{ChapterCommand, EraseArgs};
use crate::local_network::LocalNetwork;

pub(super) fn run(command: ChapterCommand, data: &DataDir) -> Result<Output> {
    match command {
        ChapterCommand::New { network, keep_history } => {
            let local = LocalNetwork::open(data, network.network.as_deref())?;
            Ok(start(local, data, &[], keep_history)?.into())
        }
        ChapterCommand::Show(network) => {
            let local = LocalNetwork::open(data, network.network.as_deref())?;
            let chapter = describe(local.open.network.id().as_str(), &local.open.network.chapter());
            Ok(ChapterShown { chapter, members: who_has_switched(&local, &data.device_id())? }.into())
        }
    }
}

/// `passage`: the characters `from..to` of `--text`.
pub(super) fn erase(
    network: Option<&str>,
    what: &EraseArgs,
    passage: Option<(usize, usize)>,
    data: &DataDir,
) -> Result<Output> {
    let local = LocalNetwork::open(data, network)?;
    let erasure = erasure(what, passage)?;
    Ok(start(local, data, std::slice::from_ref(&erasure), false)?.into())
}

/// Begins the next chapter of the network and switches this laptop to it.
pub(super) fn start(
    local: LocalNetwork,
    data: &DataDir,
    erase: &[Erasure],
    keep_history: bool,
) -> Result<ChapterStarted> {
    let id = local.open.network.id().to_string();
    let switched = kring_node::chapters::start(local.open, data.device_key(), erase, keep_history)
        .with_context(|| format!("network {id} did not get a new chapter"))?;
    let chapter = describe(&id, &switched.network.chapter());
    // The bytes of attachments the new chapter no longer names (erased, or in the bin) go now.
    let swept = super::runtime()?.block_on(kring_node::sweep_attachments_here(data, &switched.network));
    if let Err(err) = swept {
        eprintln!(
            "warning: attachments no record names are still on this laptop ({err}); Kring deletes them when it next starts"
        );
    }
    Ok(ChapterStarted { chapter, old_history_kept: keep_history && erase.is_empty() })
}

/// For every current member, whether their laptops are on this chapter: `switched` when one
/// of them said so (or it is this laptop's member), `not-yet` when one named another chapter,
/// `unknown` when none was heard from since this laptop switched. Laptops name their chapter
/// each time they sync; this laptop keeps what it heard across restarts.
fn who_has_switched(local: &LocalNetwork, own_device: &str) -> Result<Vec<MemberChapter>> {
    let network = &local.open.network;
    let chapter = network.chapter_id();
    let heard = &local.open.chapters_heard;
    let members = network.members()?;
    let listed = members
        .values()
        .filter(|member| member.is_current())
        .map(|member| {
            let named: Vec<&String> = member.devices.keys().filter_map(|device| heard.get(device)).collect();
            let status = if member.devices.contains_key(own_device) || named.contains(&&chapter) {
                Switch::Switched
            } else if !named.is_empty() {
                Switch::NotYet
            } else {
                Switch::Unknown
            };
            MemberChapter { member: member.id.clone(), name: member.name.clone(), chapter: status }
        })
        .collect();
    Ok(listed)
}

fn describe(network: &str, chapter: &ChapterInfo) -> Chapter {
    Chapter {
        network: network.to_string(),
        chapter: chapter.number,
        chapter_id: chapter.id.clone(),
        started_by: chapter.started_by.clone(),
        started_at: chapter.started_at,
        erased: chapter.erased,
    }
}

fn erasure(what: &EraseArgs, passage: Option<(usize, usize)>) -> Result<Erasure> {
    if let Some(session) = &what.session {
        return Ok(Erasure::Session(SessionId::new(session)));
    }
    if let Some(question) = &what.question {
        return Ok(Erasure::Question(QuestionId::new(question)));
    }
    if let Some(comment) = &what.comment {
        let [round, member, factor] = comment.split(':').collect::<Vec<_>>()[..] else {
            bail!("--comment takes ROUND:MEMBER:FACTOR, not '{comment}'");
        };
        return Ok(Erasure::Comment {
            round: RoundId::new(round),
            member: MemberId::new(member),
            factor: FactorId::new(factor),
        });
    }
    if let Some(guest) = &what.guest {
        let [session, room, contribution] = guest.split(':').collect::<Vec<_>>()[..] else {
            bail!("--guest takes SESSION:ROOM:CONTRIBUTION, not '{guest}'");
        };
        return Ok(Erasure::GuestContribution {
            session: SessionId::new(session),
            room: kring_model::RoomId::new(room),
            contribution: kring_model::ContributionId::new(contribution),
        });
    }
    if let Some(attachment) = &what.attachment {
        return Ok(Erasure::Attachment(kring_model::AttachmentId::new(attachment)));
    }
    let (Some(text), Some((from, to))) = (&what.text, passage) else {
        bail!(
            "say what to erase: --session, --question, --comment, --guest, --attachment, or --text with --from and --to"
        );
    };
    let field = match text.split_once(':') {
        Some(("notes", session)) => TextField::Notes(SessionId::new(session)),
        Some(("agenda", session)) => TextField::Agenda(SessionId::new(session)),
        Some(("details", question)) => TextField::Details(QuestionId::new(question)),
        Some(("insights", question)) => TextField::Insights(QuestionId::new(question)),
        _ => bail!("--text takes notes:SESSION, agenda:SESSION, details:QUESTION or insights:QUESTION, not '{text}'"),
    };
    Ok(Erasure::Passage { field, from, to, expected: None })
}
