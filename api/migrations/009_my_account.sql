-- "Contul meu" lists the petitions a person signed (by the mailbox their verified address
-- reaches) and the alerts sent to their address: both looked up by address, not by petition or
-- key, so each gets its index.
CREATE INDEX signature_mailbox ON signature (email_norm);
CREATE INDEX alert_subscription_email ON alert_subscription (email);
