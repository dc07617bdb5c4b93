-- worker_clearance runs in every claim. As a SQL function with sub-selects it is not inlined, and PostgreSQL plans
-- its body again at every call (about 3 ms and 300 buffer reads each, measured by bench/tasks.sh). In PL/pgSQL the
-- plans of its queries are cached for the life of the (pooled) connection. Same rules, same answers.
CREATE OR REPLACE FUNCTION worker_clearance(p_worker uuid) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM worker_identities i WHERE i.worker_id = p_worker AND i.status = 'verified') THEN
        RETURN 'none';
    END IF;
    IF EXISTS (SELECT 1 FROM worker_vettings v WHERE v.worker_id = p_worker AND v.status = 'vetted')
       AND EXISTS (SELECT 1 FROM agreement_signatures s
                   WHERE s.worker_id = p_worker AND s.version = (SELECT max(version) FROM confidentiality_agreements)) THEN
        RETURN 'important';
    END IF;
    RETURN 'general';
END $$;

-- A claim walks one order's open slots (assignments_claimable_by_order); a claim without an order picks the orders
-- first. The index over every order's open slots let the planner walk all orders' slots from the front for a claim on
-- one order, reading thousands of dead entries (seen in auto_explain under bench/tasks.sh): gone.
DROP INDEX IF EXISTS assignments_claimable;
