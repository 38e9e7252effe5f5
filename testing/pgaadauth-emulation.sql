-- Emulation of Azure Database for PostgreSQL Flexible Server's Microsoft Entra role functions, installed by
-- testing/postgres.ts in the `postgres` database only (as on Azure, where they exist nowhere else).
--
-- Follows the documented behaviour:
--   pgaadauth_create_principal(roleName text, isAdmin boolean, isMfa boolean) returns text
--   pgaadauth_create_principal_with_oid(roleName text, objectId text, objectType text, isAdmin boolean,
--                                       isMfa boolean) returns text            (objectType: user | group | service)
--   pgaadauth_list_principals(isAdminValue boolean)
--     returns table(rolname name, principalType text, objectId text, tenantId text, isMfa integer, isAdmin integer)
--     (true: only administrators; false: every Entra principal)
--     Learn has named the first column both ways: `rolname` (2024) and `rolename` (the current "Manage
--     Microsoft Entra roles" page, security-manage-entra-users). `pgaadauth_emulation.define_list_principals`
--     recreates the function with either name, so the code under test is run against both.
-- Both create functions return `Created role for "<name>"`; the role is created LOGIN; isAdmin makes it a
-- member of azure_pg_admin (with CREATEROLE and CREATEDB, like Azure's Entra administrators). A name that
-- `pgaadauth_create_principal` cannot find in the (emulated) tenant fails with
-- `Could not validate AAD user "<name>" because its name is not found in the tenant. ...`.
-- Only a session user that is itself an Entra administrator may call the create functions.
--
-- Limits (where this differs from Azure, or where Azure's behaviour is not documented):
--   * Azure keeps the mapping in a security label `aadauth,oid=<oid>,type=<user|group|service>[,admin]`.
--     Here it is a table keyed by the role's OID and joined to pg_roles, so an out-of-band DROP ROLE makes the
--     principal vanish as it does on Azure, but `SECURITY LABEL` statements are not understood.
--   * The tenant is the table pgaadauth_emulation.tenant_directory, seeded by the tests; display names are
--     unique there (Entra allows duplicates; what Azure does with a duplicate name is not documented).
--     tenantId is a fixed value. Tokens are not validated: an Entra login is an ordinary SCRAM password login
--     whose password stands for the token.
--   * The create functions grant the new role to the calling administrator WITH ADMIN OPTION, because since
--     PostgreSQL 16 a non-superuser with CREATEROLE may only drop roles it holds ADMIN OPTION on. Azure's own
--     mechanism for letting Entra administrators drop these roles is not documented; other administrators
--     than the creator cannot drop the role here.
--   * SQLSTATEs are not documented by Azure; this emulation uses: 42501 (caller not an Entra administrator),
--     22023 (bad object id, object type or empty name), 42622 (name over 63 bytes: refused instead of
--     PostgreSQL's silent truncation), 42704 (name not found in the tenant), 42710 (role exists, raised by
--     CREATE ROLE itself).
--   * Object ids are checked for GUID syntax only; an object id already used by another role is accepted.

CREATE SCHEMA pgaadauth_emulation;
REVOKE ALL ON SCHEMA pgaadauth_emulation FROM PUBLIC;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'azure_pg_admin') THEN
        CREATE ROLE azure_pg_admin NOLOGIN;
    END IF;
END
$$;

-- Stand-in for the security label: one row per Entra principal, keyed by role OID.
CREATE TABLE pgaadauth_emulation.principals (
    role_oid    oid PRIMARY KEY,
    object_id   text NOT NULL,
    object_type text NOT NULL CHECK (object_type IN ('user', 'group', 'service')),
    is_admin    boolean NOT NULL,
    is_mfa      boolean NOT NULL
);

-- Stand-in for the Entra tenant that `pgaadauth_create_principal` resolves display names in.
CREATE TABLE pgaadauth_emulation.tenant_directory (
    display_name text PRIMARY KEY,
    object_id    text NOT NULL,
    object_type  text NOT NULL CHECK (object_type IN ('user', 'group', 'service'))
);

CREATE FUNCTION pgaadauth_emulation.tenant_id() RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT '72f988bf-0000-4000-8000-00000000e1a0'::text $$;

-- Registers an existing login role as an Entra principal (used by the test set-up for administrators).
CREATE FUNCTION pgaadauth_emulation.register(role_name text, object_id text, object_type text, is_admin boolean)
    RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    target oid;
BEGIN
    SELECT oid INTO target FROM pg_roles WHERE rolname = role_name;
    IF target IS NULL THEN
        RAISE EXCEPTION 'role "%" does not exist', role_name USING ERRCODE = '42704';
    END IF;
    INSERT INTO pgaadauth_emulation.principals AS p (role_oid, object_id, object_type, is_admin, is_mfa)
        VALUES (target, lower(object_id), object_type, is_admin, false)
        ON CONFLICT (role_oid) DO UPDATE
        SET object_id = excluded.object_id, object_type = excluded.object_type, is_admin = excluded.is_admin;
END
$$;
REVOKE ALL ON FUNCTION pgaadauth_emulation.register(text, text, text, boolean) FROM PUBLIC;

CREATE FUNCTION public.pgaadauth_create_principal_with_oid(
    roleName text, objectId text, objectType text, isAdmin boolean, isMfa boolean)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    new_oid oid;
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pgaadauth_emulation.principals p JOIN pg_roles r ON r.oid = p.role_oid
        WHERE r.rolname = session_user AND p.is_admin
    ) THEN
        RAISE EXCEPTION 'permission denied to create role "%"', roleName
            USING ERRCODE = '42501',
                  DETAIL = 'Only Microsoft Entra administrators can create Microsoft Entra principals.';
    END IF;
    IF roleName IS NULL OR roleName = '' THEN
        RAISE EXCEPTION 'role name must not be empty' USING ERRCODE = '22023';
    END IF;
    IF octet_length(roleName) > 63 THEN
        RAISE EXCEPTION 'role name "%" is longer than 63 bytes', roleName USING ERRCODE = '42622';
    END IF;
    IF objectType IS NULL OR objectType NOT IN ('user', 'group', 'service') THEN
        RAISE EXCEPTION 'invalid object type "%": expected user, group or service', objectType
            USING ERRCODE = '22023';
    END IF;
    IF objectId IS NULL
        OR objectId !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        RAISE EXCEPTION 'invalid object id "%": expected a GUID', objectId USING ERRCODE = '22023';
    END IF;

    EXECUTE format('CREATE ROLE %I LOGIN', roleName);
    SELECT oid INTO new_oid FROM pg_roles WHERE rolname = roleName;
    EXECUTE format('GRANT %I TO %I WITH ADMIN OPTION', roleName, session_user);
    IF isAdmin THEN
        EXECUTE format('ALTER ROLE %I CREATEROLE CREATEDB', roleName);
        EXECUTE format('GRANT azure_pg_admin TO %I', roleName);
    END IF;

    DELETE FROM pgaadauth_emulation.principals WHERE role_oid = new_oid;
    INSERT INTO pgaadauth_emulation.principals (role_oid, object_id, object_type, is_admin, is_mfa)
        VALUES (new_oid, lower(objectId), objectType, coalesce(isAdmin, false), coalesce(isMfa, false));

    RETURN format('Created role for "%s"', roleName);
END
$$;

CREATE FUNCTION public.pgaadauth_create_principal(roleName text, isAdmin boolean, isMfa boolean)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    entry pgaadauth_emulation.tenant_directory;
BEGIN
    SELECT * INTO entry FROM pgaadauth_emulation.tenant_directory WHERE display_name = roleName;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Could not validate AAD user "%" because its name is not found in the tenant. '
            'Make sure the name is spelled exactly as in Microsoft Entra ID (names are case-sensitive).', roleName
            USING ERRCODE = '42704';
    END IF;
    RETURN public.pgaadauth_create_principal_with_oid(
        roleName, entry.object_id, entry.object_type, isAdmin, isMfa);
END
$$;

-- (Re)defines pgaadauth_list_principals with `first_column` (rolname or rolename) as its first column's name.
CREATE FUNCTION pgaadauth_emulation.define_list_principals(first_column text)
    RETURNS void
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $define$
BEGIN
    IF first_column IS NULL OR first_column NOT IN ('rolname', 'rolename') THEN
        RAISE EXCEPTION 'first column must be rolname or rolename, not %', first_column USING ERRCODE = '22023';
    END IF;
    DROP FUNCTION IF EXISTS public.pgaadauth_list_principals(boolean);
    EXECUTE format($create$
        CREATE FUNCTION public.pgaadauth_list_principals(isAdminValue boolean)
            RETURNS TABLE (%I name, principalType text, objectId text, tenantId text, isMfa integer, isAdmin integer)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $list$
            SELECT r.rolname, p.object_type, p.object_id, pgaadauth_emulation.tenant_id(),
                   p.is_mfa::integer, p.is_admin::integer
            FROM pgaadauth_emulation.principals p
            JOIN pg_roles r ON r.oid = p.role_oid
            WHERE p.is_admin OR NOT isAdminValue
            ORDER BY r.rolname
        $list$
    $create$, first_column);
END
$define$;
REVOKE ALL ON FUNCTION pgaadauth_emulation.define_list_principals(text) FROM PUBLIC;

SELECT pgaadauth_emulation.define_list_principals('rolname');
