-- The ed25519 public key (whpk_…) of endpoints signing asymmetrically: public, so stored in clear.
ALTER TABLE endpoints ADD COLUMN public_key TEXT;
