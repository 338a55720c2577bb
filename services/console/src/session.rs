//! Server-side sessions: a random id in an HttpOnly, SameSite=Strict cookie names a session that holds the
//! login token (re-checked against the token file on every request, so a revoked token ends its sessions) and
//! the session's CSRF token, which every form carries and every POST must return.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use subtle::ConstantTimeEq;

/// How long a session lasts after login: one working day, so an unattended desk does not stay logged in.
pub const SESSION_TTL: Duration = Duration::from_secs(10 * 3600);

/// Most sessions held at once; a new login beyond it ends the session closest to expiry.
pub const MAX_SESSIONS: usize = 10_000;

/// Random bytes in a session id and in a CSRF token (hex in the cookie and the form).
const SECRET_BYTES: usize = 32;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "casetrack_session";

/// One logged-in member of staff.
#[derive(Clone)]
pub struct Session {
    /// The token they logged in with: the identity is looked up again on every request.
    pub token: String,
    /// What every form of this session carries in its `csrf` field.
    pub csrf: String,
    expires: Instant,
}

/// The sessions of this process (lost on restart: staff log in again).
#[derive(Clone, Default)]
pub struct Sessions {
    held: Arc<Mutex<HashMap<String, Session>>>,
}

/// A fresh random secret, hex: the thread RNG is a CSPRNG seeded from the operating system.
pub fn secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::fill(&mut bytes[..]);
    hex::encode(bytes)
}

/// Whether `given` equals `expected`, in constant time (a CSRF token or a login nonce).
pub fn same_secret(given: &str, expected: &str) -> bool {
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

impl Sessions {
    /// A new session for `token`: its id (for the cookie).
    pub fn open(&self, token: String) -> String {
        let now = Instant::now();
        let id = secret();
        let mut held = self.lock();
        held.retain(|_, session| session.expires > now);
        if held.len() >= MAX_SESSIONS {
            let soonest = held
                .iter()
                .min_by_key(|(_, session)| session.expires)
                .map(|(id, _)| id.clone());
            if let Some(soonest) = soonest {
                held.remove(&soonest);
            }
        }
        let session = Session {
            token,
            csrf: secret(),
            expires: now + SESSION_TTL,
        };
        held.insert(id.clone(), session);
        id
    }

    /// The live session `id` names, if any.
    pub fn get(&self, id: &str) -> Option<Session> {
        let mut held = self.lock();
        match held.get(id) {
            Some(session) if session.expires > Instant::now() => Some(session.clone()),
            Some(_) => {
                held.remove(id);
                None
            }
            None => None,
        }
    }

    /// End session `id` (logout).
    pub fn close(&self, id: &str) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        // A panic while holding the lock leaves the map consistent (every change is one insert or remove).
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_found_by_its_id_until_closed() {
        let sessions = Sessions::default();
        let id = sessions.open("token".into());
        let session = sessions.get(&id).expect("open");
        assert_eq!(session.token, "token");
        assert_eq!(session.csrf.len(), SECRET_BYTES * 2);
        assert!(sessions.get("other").is_none());
        sessions.close(&id);
        assert!(sessions.get(&id).is_none());
    }

    #[test]
    fn secrets_differ_and_compare_exactly() {
        let (a, b) = (secret(), secret());
        assert_ne!(a, b);
        assert!(same_secret(&a, &a));
        assert!(!same_secret(&a, &b));
        assert!(!same_secret("", &a));
    }
}
