-- The extension exists, so the model names it IF NOT EXISTS and asks for
-- the newer version with ALTER EXTENSION ... UPDATE (rolled back with the
-- rest of the model).
CREATE EXTENSION IF NOT EXISTS seg;
ALTER EXTENSION seg UPDATE TO '1.4';
CREATE TABLE ranges (id int PRIMARY KEY, r seg);
