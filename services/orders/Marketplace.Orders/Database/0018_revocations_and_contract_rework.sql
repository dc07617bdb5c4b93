-- An operator may revoke an approved certification: it then counts for nothing, as an expired one does.
ALTER TABLE vendor_certifications DROP CONSTRAINT vendor_certifications_status_check;
ALTER TABLE vendor_certifications
    ADD CONSTRAINT vendor_certifications_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'revoked'));
