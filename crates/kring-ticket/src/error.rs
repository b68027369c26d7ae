//! Why a pasted ticket could not be read.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    /// The text is no invite ticket at all (the reason from the ticket decoder).
    #[error("this is not a valid Kring invite ticket ({0}); ask the coordinator to send it again")]
    BadInvite(String),
    /// A device-link ticket pasted where an invite belongs (the join field, `kring join`).
    #[error(
        "this is a device-link ticket, for adding another laptop of your own to a network you are already in; to join a network, ask a coordinator for an invite ticket"
    )]
    DeviceLinkNotInvite,
    /// An invite ticket pasted where a device-link ticket belongs.
    #[error(
        "this is an invite ticket, for joining a network; to add this laptop for the member you already are, make a device-link ticket on your other laptop"
    )]
    InviteNotDeviceLink,
    /// The text is no device-link ticket at all (the reason from the ticket decoder).
    #[error("this is not a valid Kring device-link ticket ({0}); make a new one on your other laptop")]
    BadDeviceLink(String),
}
