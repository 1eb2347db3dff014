-- Petition text folded for searches typed with or without diacritics: lower-case ASCII, đ as d.
-- Rows written before this migration get their key here, the application writes it since
-- (src/petitions/search-key.ts). SQLite has no translate(), so the letters with diacritics are
-- replaced a score at a time (its parser refuses deeper nesting), upper-case ones too: its lower()
-- knows ASCII only.
ALTER TABLE "Petition" ADD COLUMN "searchKey" TEXT NOT NULL DEFAULT '';

UPDATE "Petition" SET "searchKey" = lower("textNormalized");

UPDATE "Petition" SET "searchKey" = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("searchKey", 'À', 'a'), 'Á', 'a'), 'Â', 'a'), 'Ã', 'a'), 'Ä', 'a'), 'Å', 'a'), 'Ç', 'c'), 'È', 'e'), 'É', 'e'), 'Ê', 'e'), 'Ë', 'e'), 'Ì', 'i'), 'Í', 'i'), 'Î', 'i'), 'Ï', 'i'), 'Ñ', 'n'), 'Ò', 'o'), 'Ó', 'o'), 'Ô', 'o'), 'Õ', 'o');

UPDATE "Petition" SET "searchKey" = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("searchKey", 'Ö', 'o'), 'Ù', 'u'), 'Ú', 'u'), 'Û', 'u'), 'Ü', 'u'), 'Ý', 'y'), 'à', 'a'), 'á', 'a'), 'â', 'a'), 'ã', 'a'), 'ä', 'a'), 'å', 'a'), 'ç', 'c'), 'è', 'e'), 'é', 'e'), 'ê', 'e'), 'ë', 'e'), 'ì', 'i'), 'í', 'i'), 'î', 'i');

UPDATE "Petition" SET "searchKey" = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("searchKey", 'ï', 'i'), 'ñ', 'n'), 'ò', 'o'), 'ó', 'o'), 'ô', 'o'), 'õ', 'o'), 'ö', 'o'), 'ù', 'u'), 'ú', 'u'), 'û', 'u'), 'ü', 'u'), 'ý', 'y'), 'ÿ', 'y'), 'Ă', 'a'), 'ă', 'a'), 'Đ', 'd'), 'đ', 'd'), 'Ĩ', 'i'), 'ĩ', 'i'), 'Ũ', 'u');

UPDATE "Petition" SET "searchKey" = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("searchKey", 'ũ', 'u'), 'Ơ', 'o'), 'ơ', 'o'), 'Ư', 'u'), 'ư', 'u'), 'Ạ', 'a'), 'ạ', 'a'), 'Ả', 'a'), 'ả', 'a'), 'Ấ', 'a'), 'ấ', 'a'), 'Ầ', 'a'), 'ầ', 'a'), 'Ẩ', 'a'), 'ẩ', 'a'), 'Ẫ', 'a'), 'ẫ', 'a'), 'Ậ', 'a'), 'ậ', 'a'), 'Ắ', 'a');

UPDATE "Petition" SET "searchKey" = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("searchKey", 'ắ', 'a'), 'Ằ', 'a'), 'ằ', 'a'), 'Ẳ', 'a'), 'ẳ', 'a'), 'Ẵ', 'a'), 'ẵ', 'a'), 'Ặ', 'a'), 'ặ', 'a'), 'Ẹ', 'e'), 'ẹ', 'e'), 'Ẻ', 'e'), 'ẻ', 'e'), 'Ẽ', 'e'), 'ẽ', 'e'), 'Ế', 'e'), 'ế', 'e'), 'Ề', 'e'), 'ề', 'e'), 'Ể', 'e');

UPDATE "Petition" SET "searchKey" = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("searchKey", 'ể', 'e'), 'Ễ', 'e'), 'ễ', 'e'), 'Ệ', 'e'), 'ệ', 'e'), 'Ỉ', 'i'), 'ỉ', 'i'), 'Ị', 'i'), 'ị', 'i'), 'Ọ', 'o'), 'ọ', 'o'), 'Ỏ', 'o'), 'ỏ', 'o'), 'Ố', 'o'), 'ố', 'o'), 'Ồ', 'o'), 'ồ', 'o'), 'Ổ', 'o'), 'ổ', 'o'), 'Ỗ', 'o');

UPDATE "Petition" SET "searchKey" = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("searchKey", 'ỗ', 'o'), 'Ộ', 'o'), 'ộ', 'o'), 'Ớ', 'o'), 'ớ', 'o'), 'Ờ', 'o'), 'ờ', 'o'), 'Ở', 'o'), 'ở', 'o'), 'Ỡ', 'o'), 'ỡ', 'o'), 'Ợ', 'o'), 'ợ', 'o'), 'Ụ', 'u'), 'ụ', 'u'), 'Ủ', 'u'), 'ủ', 'u'), 'Ứ', 'u'), 'ứ', 'u'), 'Ừ', 'u');

UPDATE "Petition" SET "searchKey" = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("searchKey", 'ừ', 'u'), 'Ử', 'u'), 'ử', 'u'), 'Ữ', 'u'), 'ữ', 'u'), 'Ự', 'u'), 'ự', 'u'), 'Ỳ', 'y'), 'ỳ', 'y'), 'Ỵ', 'y'), 'ỵ', 'y'), 'Ỷ', 'y'), 'ỷ', 'y'), 'Ỹ', 'y'), 'ỹ', 'y');

-- A trigram full-text index of the key (FTS5, external content: the text stays in Petition),
-- kept by triggers whoever writes, so a search for a word of three letters or more reads the
-- index instead of every row (src/petitions/query.ts).
CREATE VIRTUAL TABLE "PetitionSearch" USING fts5("searchKey", content='Petition', content_rowid='id', tokenize='trigram');

INSERT INTO "PetitionSearch" ("PetitionSearch") VALUES ('rebuild');

CREATE TRIGGER "Petition_search_insert" AFTER INSERT ON "Petition"
BEGIN
  INSERT INTO "PetitionSearch" ("rowid", "searchKey") VALUES (NEW."id", NEW."searchKey");
END;

CREATE TRIGGER "Petition_search_update" AFTER UPDATE OF "searchKey" ON "Petition"
WHEN OLD."searchKey" IS NOT NEW."searchKey"
BEGIN
  INSERT INTO "PetitionSearch" ("PetitionSearch", "rowid", "searchKey") VALUES ('delete', OLD."id", OLD."searchKey");
  INSERT INTO "PetitionSearch" ("rowid", "searchKey") VALUES (NEW."id", NEW."searchKey");
END;

CREATE TRIGGER "Petition_search_delete" AFTER DELETE ON "Petition"
BEGIN
  INSERT INTO "PetitionSearch" ("PetitionSearch", "rowid", "searchKey") VALUES ('delete', OLD."id", OLD."searchKey");
END;
