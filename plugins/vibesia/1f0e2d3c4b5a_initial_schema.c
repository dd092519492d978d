/* 1f0e2d3c4b5a_initial_schema.c - base revision of the Vibesia schema: the
 * tables of the streaming service as they stood before the first Alembic
 * migration (360b16ba22c2) was written.
 *
 * Every constraint and index is named explicitly, following the naming
 * convention the Vibesia models used (pk_<table>, uq_<table>_<cols>,
 * fk_<table>_<col>_<referred table>, ck_<table>_<what>, ix_<table>_<cols>),
 * because later revisions drop and recreate them by name; a name PostgreSQL
 * made up would differ between servers and could not be referred to.
 *
 * Foreign keys to users deliberately carry no ON DELETE action here: that is
 * how the schema shipped, and 2d12193b6184 / 3cfc87221979 add the actions.
 * Reproducing the original faithfully is what lets a database that was
 * created by Alembic be stamped at this revision and carry on with vhost.
 *
 * The host creates the target schema (the version table lives there) and
 * puts it on the search_path, so nothing below is schema-qualified, and the
 * downgrade drops the tables but never the schema. */
#include <vhost/sdk.h>

VHOST_REVISION("1f0e2d3c4b5a", NULL, "initial schema");

VHOST_DESCRIPTION(
	"Creates the Vibesia music-streaming schema as it was before the first "
	"migration: users, genres, artists, albums, songs, devices, user_device, "
	"playlists, playlist_songs, artist_follows, playback_history and "
	"audit_log, with named primary keys, unique and check constraints, and "
	"foreign keys. Foreign keys to users have no ON DELETE action yet; later "
	"revisions add CASCADE (2d12193b6184) and SET NULL (3cfc87221979). "
	"Downgrade drops every table it created, children first, and leaves the "
	"schema (which holds vhost's version table) in place.");

/* Accounts and the music catalogue. users.password_hash is nullable because
 * accounts signed up through an external identity provider have no local
 * password; the check keeps local accounts honest. Email uniqueness is
 * case-insensitive, hence an expression index rather than a constraint. */
static const char catalog_sql[] =
	"CREATE TABLE users (\n"
	"  user_id           bigint GENERATED ALWAYS AS IDENTITY,\n"
	"  username          text NOT NULL,\n"
	"  email             text NOT NULL,\n"
	"  password_hash     text,\n"
	"  auth_provider     text NOT NULL DEFAULT 'local',\n"
	"  display_name      text,\n"
	"  country_code      character(2),\n"
	"  birth_date        date,\n"
	"  subscription_tier text NOT NULL DEFAULT 'free',\n"
	"  is_active         boolean NOT NULL DEFAULT true,\n"
	"  created_at        timestamp with time zone NOT NULL DEFAULT now(),\n"
	"  updated_at        timestamp with time zone NOT NULL DEFAULT now(),\n"
	"  CONSTRAINT pk_users PRIMARY KEY (user_id),\n"
	"  CONSTRAINT uq_users_username UNIQUE (username),\n"
	"  CONSTRAINT ck_users_username_format\n"
	"    CHECK (username ~ '^[a-z0-9_.]{3,30}$'),\n"
	"  CONSTRAINT ck_users_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),\n"
	"  CONSTRAINT ck_users_auth_provider\n"
	"    CHECK (auth_provider IN ('local', 'google', 'apple', 'facebook')),\n"
	"  CONSTRAINT ck_users_local_password\n"
	"    CHECK (auth_provider <> 'local' OR password_hash IS NOT NULL),\n"
	"  CONSTRAINT ck_users_country_code CHECK (country_code ~ '^[A-Z]{2}$'),\n"
	"  CONSTRAINT ck_users_subscription_tier\n"
	"    CHECK (subscription_tier IN ('free', 'premium', 'family', 'student'))\n"
	");\n"
	"CREATE UNIQUE INDEX uq_users_email_lower ON users (lower(email));\n"

	"CREATE TABLE genres (\n"
	"  genre_id integer GENERATED ALWAYS AS IDENTITY,\n"
	"  name     text NOT NULL,\n"
	"  CONSTRAINT pk_genres PRIMARY KEY (genre_id),\n"
	"  CONSTRAINT uq_genres_name UNIQUE (name)\n"
	");\n"

	"CREATE TABLE artists (\n"
	"  artist_id    bigint GENERATED ALWAYS AS IDENTITY,\n"
	"  name         text NOT NULL,\n"
	"  country_code character(2),\n"
	"  formed_year  smallint,\n"
	"  bio          text,\n"
	"  created_at   timestamp with time zone NOT NULL DEFAULT now(),\n"
	"  CONSTRAINT pk_artists PRIMARY KEY (artist_id),\n"
	"  CONSTRAINT ck_artists_country_code CHECK (country_code ~ '^[A-Z]{2}$'),\n"
	"  CONSTRAINT ck_artists_formed_year CHECK (formed_year BETWEEN 1900 AND 2100)\n"
	");\n"
	"CREATE INDEX ix_artists_name ON artists (name);\n"

	/* uq_albums_artist_id_title leads on artist_id, so it also serves the
	 * foreign key; no separate index is needed. */
	"CREATE TABLE albums (\n"
	"  album_id     bigint GENERATED ALWAYS AS IDENTITY,\n"
	"  artist_id    bigint NOT NULL,\n"
	"  title        text NOT NULL,\n"
	"  album_type   text NOT NULL DEFAULT 'album',\n"
	"  release_date date,\n"
	"  label        text,\n"
	"  created_at   timestamp with time zone NOT NULL DEFAULT now(),\n"
	"  CONSTRAINT pk_albums PRIMARY KEY (album_id),\n"
	"  CONSTRAINT fk_albums_artist_id_artists FOREIGN KEY (artist_id)\n"
	"    REFERENCES artists (artist_id),\n"
	"  CONSTRAINT uq_albums_artist_id_title UNIQUE (artist_id, title),\n"
	"  CONSTRAINT ck_albums_album_type\n"
	"    CHECK (album_type IN ('album', 'single', 'ep', 'compilation'))\n"
	");\n"

	/* songs.artist_id is the performing artist, which differs from the
	 * album's artist on compilations and features. */
	"CREATE TABLE songs (\n"
	"  song_id      bigint GENERATED ALWAYS AS IDENTITY,\n"
	"  album_id     bigint NOT NULL,\n"
	"  artist_id    bigint NOT NULL,\n"
	"  genre_id     integer,\n"
	"  title        text NOT NULL,\n"
	"  disc_number  smallint NOT NULL DEFAULT 1,\n"
	"  track_number smallint NOT NULL,\n"
	"  duration_ms  integer NOT NULL,\n"
	"  explicit     boolean NOT NULL DEFAULT false,\n"
	"  isrc         character(12),\n"
	"  created_at   timestamp with time zone NOT NULL DEFAULT now(),\n"
	"  CONSTRAINT pk_songs PRIMARY KEY (song_id),\n"
	"  CONSTRAINT fk_songs_album_id_albums FOREIGN KEY (album_id)\n"
	"    REFERENCES albums (album_id),\n"
	"  CONSTRAINT fk_songs_artist_id_artists FOREIGN KEY (artist_id)\n"
	"    REFERENCES artists (artist_id),\n"
	"  CONSTRAINT fk_songs_genre_id_genres FOREIGN KEY (genre_id)\n"
	"    REFERENCES genres (genre_id),\n"
	"  CONSTRAINT uq_songs_isrc UNIQUE (isrc),\n"
	"  CONSTRAINT uq_songs_album_id_disc_number_track_number\n"
	"    UNIQUE (album_id, disc_number, track_number),\n"
	"  CONSTRAINT ck_songs_duration_ms CHECK (duration_ms > 0),\n"
	"  CONSTRAINT ck_songs_disc_number CHECK (disc_number > 0),\n"
	"  CONSTRAINT ck_songs_track_number CHECK (track_number > 0),\n"
	"  CONSTRAINT ck_songs_isrc_format CHECK (isrc ~ '^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$')\n"
	");\n"
	"CREATE INDEX ix_songs_artist_id ON songs (artist_id);\n"
	"CREATE INDEX ix_songs_genre_id ON songs (genre_id);\n";

/* Devices are physical installations of a client (one per app install),
 * shared by everyone who signs in on them; user_device links accounts to the
 * devices they use. The original unique constraint leads on device_id, for
 * the "who is signed in here" lookup the clients make at start-up. */
static const char devices_sql[] =
	"CREATE TABLE devices (\n"
	"  device_id     bigint GENERATED ALWAYS AS IDENTITY,\n"
	"  device_uuid   uuid NOT NULL,\n"
	"  device_type   text NOT NULL,\n"
	"  platform      text,\n"
	"  model         text,\n"
	"  first_seen_at timestamp with time zone NOT NULL DEFAULT now(),\n"
	"  CONSTRAINT pk_devices PRIMARY KEY (device_id),\n"
	"  CONSTRAINT uq_devices_device_uuid UNIQUE (device_uuid),\n"
	"  CONSTRAINT ck_devices_device_type CHECK (device_type IN\n"
	"    ('mobile', 'tablet', 'desktop', 'web', 'smart_speaker', 'tv', 'car', 'console'))\n"
	");\n"

	"CREATE TABLE user_device (\n"
	"  user_device_id bigint GENERATED ALWAYS AS IDENTITY,\n"
	"  user_id        bigint NOT NULL,\n"
	"  device_id      bigint NOT NULL,\n"
	"  nickname       text,\n"
	"  registered_at  timestamp with time zone NOT NULL DEFAULT now(),\n"
	"  last_seen_at   timestamp with time zone,\n"
	"  CONSTRAINT pk_user_device PRIMARY KEY (user_device_id),\n"
	"  CONSTRAINT fk_user_device_user_id_users FOREIGN KEY (user_id)\n"
	"    REFERENCES users (user_id),\n"
	"  CONSTRAINT fk_user_device_device_id_devices FOREIGN KEY (device_id)\n"
	"    REFERENCES devices (device_id),\n"
	"  CONSTRAINT uq_user_device_device_id_user_id UNIQUE (device_id, user_id),\n"
	"  CONSTRAINT ck_user_device_last_seen\n"
	"    CHECK (last_seen_at IS NULL OR last_seen_at >= registered_at)\n"
	");\n";

/* What users make and do. The original playlist index leads on is_public
 * (for the public-playlist browser), the playback index on played_at (for
 * charts and retention); neither serves a lookup by user, which is what
 * 2d12193b6184 fixes. artist_follows is keyed artist-first for follower
 * counts. audit_log.app_user_id is the application user behind an event, as
 * opposed to the database role; it is nullable for events with no signed-in
 * user (a failed login for an unknown name). */
static const char activity_sql[] =
	"CREATE TABLE playlists (\n"
	"  playlist_id      bigint GENERATED ALWAYS AS IDENTITY,\n"
	"  owner_user_id    bigint NOT NULL,\n"
	"  name             text NOT NULL,\n"
	"  description      text,\n"
	"  is_public        boolean NOT NULL DEFAULT true,\n"
	"  is_collaborative boolean NOT NULL DEFAULT false,\n"
	"  created_at       timestamp with time zone NOT NULL DEFAULT now(),\n"
	"  updated_at       timestamp with time zone NOT NULL DEFAULT now(),\n"
	"  CONSTRAINT pk_playlists PRIMARY KEY (playlist_id),\n"
	"  CONSTRAINT fk_playlists_owner_user_id_users FOREIGN KEY (owner_user_id)\n"
	"    REFERENCES users (user_id),\n"
	"  CONSTRAINT ck_playlists_name_not_blank CHECK (btrim(name) <> '')\n"
	");\n"
	"CREATE INDEX ix_playlists_is_public_owner_user_id\n"
	"  ON playlists (is_public, owner_user_id);\n"

	/* Entries are keyed by position, so reordering is an UPDATE of
	 * positions and a song may appear twice in one playlist. */
	"CREATE TABLE playlist_songs (\n"
	"  playlist_id bigint NOT NULL,\n"
	"  position    integer NOT NULL,\n"
	"  song_id     bigint NOT NULL,\n"
	"  added_at    timestamp with time zone NOT NULL DEFAULT now(),\n"
	"  CONSTRAINT pk_playlist_songs PRIMARY KEY (playlist_id, position),\n"
	"  CONSTRAINT fk_playlist_songs_playlist_id_playlists FOREIGN KEY (playlist_id)\n"
	"    REFERENCES playlists (playlist_id),\n"
	"  CONSTRAINT fk_playlist_songs_song_id_songs FOREIGN KEY (song_id)\n"
	"    REFERENCES songs (song_id),\n"
	"  CONSTRAINT ck_playlist_songs_position CHECK (position > 0)\n"
	");\n"
	"CREATE INDEX ix_playlist_songs_song_id ON playlist_songs (song_id);\n"

	"CREATE TABLE artist_follows (\n"
	"  artist_id   bigint NOT NULL,\n"
	"  user_id     bigint NOT NULL,\n"
	"  followed_at timestamp with time zone NOT NULL DEFAULT now(),\n"
	"  CONSTRAINT pk_artist_follows PRIMARY KEY (artist_id, user_id),\n"
	"  CONSTRAINT fk_artist_follows_artist_id_artists FOREIGN KEY (artist_id)\n"
	"    REFERENCES artists (artist_id),\n"
	"  CONSTRAINT fk_artist_follows_user_id_users FOREIGN KEY (user_id)\n"
	"    REFERENCES users (user_id)\n"
	");\n"

	"CREATE TABLE playback_history (\n"
	"  playback_id bigint GENERATED ALWAYS AS IDENTITY,\n"
	"  user_id     bigint NOT NULL,\n"
	"  song_id     bigint NOT NULL,\n"
	"  device_id   bigint,\n"
	"  played_at   timestamp with time zone NOT NULL,\n"
	"  ms_played   integer NOT NULL,\n"
	"  source      text NOT NULL DEFAULT 'other',\n"
	"  CONSTRAINT pk_playback_history PRIMARY KEY (playback_id),\n"
	"  CONSTRAINT fk_playback_history_user_id_users FOREIGN KEY (user_id)\n"
	"    REFERENCES users (user_id),\n"
	"  CONSTRAINT fk_playback_history_song_id_songs FOREIGN KEY (song_id)\n"
	"    REFERENCES songs (song_id),\n"
	"  CONSTRAINT fk_playback_history_device_id_devices FOREIGN KEY (device_id)\n"
	"    REFERENCES devices (device_id),\n"
	"  CONSTRAINT ck_playback_history_ms_played CHECK (ms_played >= 0),\n"
	"  CONSTRAINT ck_playback_history_source CHECK (source IN\n"
	"    ('playlist', 'album', 'artist', 'search', 'radio', 'other'))\n"
	");\n"
	"CREATE INDEX ix_playback_history_played_at_user_id\n"
	"  ON playback_history (played_at, user_id);\n"
	"CREATE INDEX ix_playback_history_song_id ON playback_history (song_id);\n"
	"CREATE INDEX ix_playback_history_device_id ON playback_history (device_id);\n"

	"CREATE TABLE audit_log (\n"
	"  audit_id    bigint GENERATED ALWAYS AS IDENTITY,\n"
	"  occurred_at timestamp with time zone NOT NULL DEFAULT now(),\n"
	"  app_user_id bigint,\n"
	"  action      text NOT NULL,\n"
	"  entity_type text,\n"
	"  entity_id   text,\n"
	"  ip_address  inet,\n"
	"  details     jsonb NOT NULL DEFAULT '{}'::jsonb,\n"
	"  CONSTRAINT pk_audit_log PRIMARY KEY (audit_id),\n"
	"  CONSTRAINT fk_audit_log_app_user_id_users FOREIGN KEY (app_user_id)\n"
	"    REFERENCES users (user_id),\n"
	"  CONSTRAINT ck_audit_log_action CHECK (action IN\n"
	"    ('signup', 'login', 'login_failed', 'logout', 'password_change',\n"
	"     'email_change', 'subscription_change', 'device_register',\n"
	"     'device_remove', 'playlist_create', 'playlist_delete'))\n"
	");\n"
	"CREATE INDEX ix_audit_log_app_user_id ON audit_log (app_user_id);\n"
	"CREATE INDEX ix_audit_log_occurred_at ON audit_log (occurred_at);\n";

int upgrade(vh_ctx *ctx)
{
	int rc;

	if ((rc = vh_exec(ctx, catalog_sql)) != 0)
		return rc;
	if ((rc = vh_exec(ctx, devices_sql)) != 0)
		return rc;
	return vh_exec(ctx, activity_sql);
}

/* Children before parents. No CASCADE: if someone has hung a view or a
 * foreign key of their own on these tables, the downgrade should stop and
 * say so rather than silently drop their objects too. */
int downgrade(vh_ctx *ctx)
{
	return vh_exec(ctx,
		       "DROP TABLE audit_log;\n"
		       "DROP TABLE playback_history;\n"
		       "DROP TABLE artist_follows;\n"
		       "DROP TABLE playlist_songs;\n"
		       "DROP TABLE playlists;\n"
		       "DROP TABLE user_device;\n"
		       "DROP TABLE devices;\n"
		       "DROP TABLE songs;\n"
		       "DROP TABLE albums;\n"
		       "DROP TABLE artists;\n"
		       "DROP TABLE genres;\n"
		       "DROP TABLE users;\n");
}
