//! The ordered window of `fcall batch`: the lines started and not yet printed, in input
//! order, so that a line that finished early waits for the ones before it.

use std::collections::VecDeque;

use super::call::Done;

/// Lines in input order from the first not yet printed: `None` while a call runs.
pub(super) struct Window {
    pub(super) slots: VecDeque<Option<Done>>,
    /// The sequence number of `slots[0]`.
    pub(super) first: u64,
}

impl Window {
    /// Take a place for a new call; its sequence number.
    pub(super) fn push(&mut self) -> u64 {
        self.slots.push_back(None);
        self.first + self.slots.len() as u64 - 1
    }

    pub(super) fn finish(&mut self, seq: u64, done: Done) {
        if let Some(slot) = self.slots.get_mut((seq - self.first) as usize) {
            *slot = Some(done);
        }
    }

    /// The finished lines at the front, in order.
    pub(super) fn pop_ready(&mut self) -> Option<Done> {
        match self.slots.front() {
            Some(Some(_)) => {
                self.first += 1;
                self.slots.pop_front().flatten()
            }
            _ => None,
        }
    }
}
