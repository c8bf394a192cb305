"""The Referrals section: registry, booking-by-referral wizard, waiting list, priority queue."""
