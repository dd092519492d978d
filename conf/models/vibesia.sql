-- vibesia.sql - the Vibesia schema as it stands at the head revision
-- (ecf5acd6708d), written as the schema should be rather than as the steps
-- that led there. `vhost check` compares the database with it and
-- `vhost revision --autogenerate` writes the revision that closes any gap:
-- change this file first, then autogenerate.
--
-- Rules for a model: plain DDL (CREATE TABLE, CREATE INDEX, ALTER TABLE ...
-- ADD CONSTRAINT, COMMENT ON), never schema-qualified, no BEGIN/COMMIT.
-- vhost runs it in a scratch schema inside a transaction it rolls back.
-- Name every constraint and index (the Vibesia convention: pk_, uq_, fk_,
-- ck_, ix_): the diff matches them by name.

-- Accounts. password_changed_at came with 360b16ba22c2 and became nullable
-- in ecf5acd6708d (accounts without a local password have no age to track).
CREATE TABLE users (
  user_id           bigint GENERATED ALWAYS AS IDENTITY,
  username          text NOT NULL,
  email             text NOT NULL,
  password_hash     text,
  auth_provider     text NOT NULL DEFAULT 'local',
  display_name      text,
  country_code      character(2),
  birth_date        date,
  subscription_tier text NOT NULL DEFAULT 'free',
  is_active         boolean NOT NULL DEFAULT true,
  created_at        timestamp with time zone NOT NULL DEFAULT now(),
  updated_at        timestamp with time zone NOT NULL DEFAULT now(),
  password_changed_at timestamp with time zone DEFAULT now(),
  CONSTRAINT pk_users PRIMARY KEY (user_id),
  CONSTRAINT uq_users_username UNIQUE (username),
  CONSTRAINT ck_users_username_format CHECK (username ~ '^[a-z0-9_.]{3,30}$'),
  CONSTRAINT ck_users_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  CONSTRAINT ck_users_auth_provider
    CHECK (auth_provider IN ('local', 'google', 'apple', 'facebook')),
  CONSTRAINT ck_users_local_password
    CHECK (auth_provider <> 'local' OR password_hash IS NOT NULL),
  CONSTRAINT ck_users_country_code CHECK (country_code ~ '^[A-Z]{2}$'),
  CONSTRAINT ck_users_subscription_tier
    CHECK (subscription_tier IN ('free', 'premium', 'family', 'student'))
);
CREATE UNIQUE INDEX uq_users_email_lower ON users (lower(email));

-- The catalogue.
CREATE TABLE genres (
  genre_id integer GENERATED ALWAYS AS IDENTITY,
  name     text NOT NULL,
  CONSTRAINT pk_genres PRIMARY KEY (genre_id),
  CONSTRAINT uq_genres_name UNIQUE (name)
);

CREATE TABLE artists (
  artist_id    bigint GENERATED ALWAYS AS IDENTITY,
  name         text NOT NULL,
  country_code character(2),
  formed_year  smallint,
  bio          text,
  created_at   timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT pk_artists PRIMARY KEY (artist_id),
  CONSTRAINT ck_artists_country_code CHECK (country_code ~ '^[A-Z]{2}$'),
  CONSTRAINT ck_artists_formed_year CHECK (formed_year BETWEEN 1900 AND 2100)
);
CREATE INDEX ix_artists_name ON artists (name);

CREATE TABLE albums (
  album_id     bigint GENERATED ALWAYS AS IDENTITY,
  artist_id    bigint NOT NULL,
  title        text NOT NULL,
  album_type   text NOT NULL DEFAULT 'album',
  release_date date,
  label        text,
  created_at   timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT pk_albums PRIMARY KEY (album_id),
  CONSTRAINT fk_albums_artist_id_artists FOREIGN KEY (artist_id)
    REFERENCES artists (artist_id),
  CONSTRAINT uq_albums_artist_id_title UNIQUE (artist_id, title),
  CONSTRAINT ck_albums_album_type
    CHECK (album_type IN ('album', 'single', 'ep', 'compilation'))
);

CREATE TABLE songs (
  song_id      bigint GENERATED ALWAYS AS IDENTITY,
  album_id     bigint NOT NULL,
  artist_id    bigint NOT NULL,
  genre_id     integer,
  title        text NOT NULL,
  disc_number  smallint NOT NULL DEFAULT 1,
  track_number smallint NOT NULL,
  duration_ms  integer NOT NULL,
  explicit     boolean NOT NULL DEFAULT false,
  isrc         character(12),
  created_at   timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT pk_songs PRIMARY KEY (song_id),
  CONSTRAINT fk_songs_album_id_albums FOREIGN KEY (album_id)
    REFERENCES albums (album_id),
  CONSTRAINT fk_songs_artist_id_artists FOREIGN KEY (artist_id)
    REFERENCES artists (artist_id),
  CONSTRAINT fk_songs_genre_id_genres FOREIGN KEY (genre_id)
    REFERENCES genres (genre_id),
  CONSTRAINT uq_songs_isrc UNIQUE (isrc),
  CONSTRAINT uq_songs_album_id_disc_number_track_number
    UNIQUE (album_id, disc_number, track_number),
  CONSTRAINT ck_songs_duration_ms CHECK (duration_ms > 0),
  CONSTRAINT ck_songs_disc_number CHECK (disc_number > 0),
  CONSTRAINT ck_songs_track_number CHECK (track_number > 0),
  CONSTRAINT ck_songs_isrc_format CHECK (isrc ~ '^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$')
);
CREATE INDEX ix_songs_artist_id ON songs (artist_id);
CREATE INDEX ix_songs_genre_id ON songs (genre_id);

-- Devices and who uses them. The unique constraint leads on user_id so it
-- serves the cascade from users (2d12193b6184); the start-up lookup by
-- device has its own index.
CREATE TABLE devices (
  device_id     bigint GENERATED ALWAYS AS IDENTITY,
  device_uuid   uuid NOT NULL,
  device_type   text NOT NULL,
  platform      text,
  model         text,
  first_seen_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT pk_devices PRIMARY KEY (device_id),
  CONSTRAINT uq_devices_device_uuid UNIQUE (device_uuid),
  CONSTRAINT ck_devices_device_type CHECK (device_type IN
    ('mobile', 'tablet', 'desktop', 'web', 'smart_speaker', 'tv', 'car', 'console'))
);

CREATE TABLE user_device (
  user_device_id bigint GENERATED ALWAYS AS IDENTITY,
  user_id        bigint NOT NULL,
  device_id      bigint NOT NULL,
  nickname       text,
  registered_at  timestamp with time zone NOT NULL DEFAULT now(),
  last_seen_at   timestamp with time zone,
  CONSTRAINT pk_user_device PRIMARY KEY (user_device_id),
  CONSTRAINT fk_user_device_user_id_users FOREIGN KEY (user_id)
    REFERENCES users (user_id) ON DELETE CASCADE,
  CONSTRAINT fk_user_device_device_id_devices FOREIGN KEY (device_id)
    REFERENCES devices (device_id),
  CONSTRAINT uq_user_device_user_id_device_id UNIQUE (user_id, device_id),
  CONSTRAINT ck_user_device_last_seen
    CHECK (last_seen_at IS NULL OR last_seen_at >= registered_at)
);
CREATE INDEX ix_user_device_device_id ON user_device (device_id);

-- What users make and do: their data goes with the account (ON DELETE
-- CASCADE), each cascade served by an index leading on its column.
CREATE TABLE playlists (
  playlist_id      bigint GENERATED ALWAYS AS IDENTITY,
  owner_user_id    bigint NOT NULL,
  name             text NOT NULL,
  description      text,
  is_public        boolean NOT NULL DEFAULT true,
  is_collaborative boolean NOT NULL DEFAULT false,
  created_at       timestamp with time zone NOT NULL DEFAULT now(),
  updated_at       timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT pk_playlists PRIMARY KEY (playlist_id),
  CONSTRAINT fk_playlists_owner_user_id_users FOREIGN KEY (owner_user_id)
    REFERENCES users (user_id) ON DELETE CASCADE,
  CONSTRAINT ck_playlists_name_not_blank CHECK (btrim(name) <> '')
);
CREATE INDEX ix_playlists_owner_user_id ON playlists (owner_user_id);

CREATE TABLE playlist_songs (
  playlist_id bigint NOT NULL,
  position    integer NOT NULL,
  song_id     bigint NOT NULL,
  added_at    timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT pk_playlist_songs PRIMARY KEY (playlist_id, position),
  CONSTRAINT fk_playlist_songs_playlist_id_playlists FOREIGN KEY (playlist_id)
    REFERENCES playlists (playlist_id) ON DELETE CASCADE,
  CONSTRAINT fk_playlist_songs_song_id_songs FOREIGN KEY (song_id)
    REFERENCES songs (song_id),
  CONSTRAINT ck_playlist_songs_position CHECK (position > 0)
);
CREATE INDEX ix_playlist_songs_song_id ON playlist_songs (song_id);

CREATE TABLE artist_follows (
  artist_id   bigint NOT NULL,
  user_id     bigint NOT NULL,
  followed_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT pk_artist_follows PRIMARY KEY (artist_id, user_id),
  CONSTRAINT fk_artist_follows_artist_id_artists FOREIGN KEY (artist_id)
    REFERENCES artists (artist_id),
  CONSTRAINT fk_artist_follows_user_id_users FOREIGN KEY (user_id)
    REFERENCES users (user_id) ON DELETE CASCADE
);
CREATE INDEX ix_artist_follows_user_id ON artist_follows (user_id);

-- playback_history is append-only: played_at follows the physical order,
-- so a BRIN index serves time-range scans; per-user lookups lead on user_id.
CREATE TABLE playback_history (
  playback_id bigint GENERATED ALWAYS AS IDENTITY,
  user_id     bigint NOT NULL,
  song_id     bigint NOT NULL,
  device_id   bigint,
  played_at   timestamp with time zone NOT NULL,
  ms_played   integer NOT NULL,
  source      text NOT NULL DEFAULT 'other',
  CONSTRAINT pk_playback_history PRIMARY KEY (playback_id),
  CONSTRAINT fk_playback_history_user_id_users FOREIGN KEY (user_id)
    REFERENCES users (user_id) ON DELETE CASCADE,
  CONSTRAINT fk_playback_history_song_id_songs FOREIGN KEY (song_id)
    REFERENCES songs (song_id),
  CONSTRAINT fk_playback_history_device_id_devices FOREIGN KEY (device_id)
    REFERENCES devices (device_id),
  CONSTRAINT ck_playback_history_ms_played CHECK (ms_played >= 0),
  CONSTRAINT ck_playback_history_source CHECK (source IN
    ('playlist', 'album', 'artist', 'search', 'radio', 'other'))
);
CREATE INDEX ix_playback_history_user_id_played_at
  ON playback_history (user_id, played_at);
CREATE INDEX ix_playback_history_played_at
  ON playback_history USING brin (played_at);
CREATE INDEX ix_playback_history_song_id ON playback_history (song_id);
CREATE INDEX ix_playback_history_device_id ON playback_history (device_id);

-- The audit trail outlives the user it is about (3cfc87221979): deleting
-- an account keeps the entries and clears only the link.
CREATE TABLE audit_log (
  audit_id    bigint GENERATED ALWAYS AS IDENTITY,
  occurred_at timestamp with time zone NOT NULL DEFAULT now(),
  app_user_id bigint,
  action      text NOT NULL,
  entity_type text,
  entity_id   text,
  ip_address  inet,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb,
  CONSTRAINT pk_audit_log PRIMARY KEY (audit_id),
  CONSTRAINT fk_audit_log_app_user_id_users FOREIGN KEY (app_user_id)
    REFERENCES users (user_id) ON DELETE SET NULL,
  CONSTRAINT ck_audit_log_action CHECK (action IN
    ('signup', 'login', 'login_failed', 'logout', 'password_change',
     'email_change', 'subscription_change', 'device_register',
     'device_remove', 'playlist_create', 'playlist_delete'))
);
CREATE INDEX ix_audit_log_app_user_id ON audit_log (app_user_id);
CREATE INDEX ix_audit_log_occurred_at ON audit_log (occurred_at);
