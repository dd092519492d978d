-- A default changed, added and dropped; the new one holds what a C string
-- literal and a C comment must escape.
CREATE TABLE t (id integer, a text DEFAULT 'a */ b ??/ "q" \ tab	end', b timestamp with time zone DEFAULT now(),
  c integer, d text DEFAULT 'same');
