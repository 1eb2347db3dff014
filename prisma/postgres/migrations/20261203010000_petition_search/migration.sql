-- Petition text folded for searches typed with or without diacritics: lower-case ASCII, đ as d.
-- Rows written before this migration get their key here, the application writes it since
-- (src/petitions/search-key.ts). A trigram index serves contains-searches (LIKE with a
-- leading wildcard). The migration runner splits at every semicolon, so no comment holds one.
ALTER TABLE "Petition" ADD COLUMN "searchKey" TEXT NOT NULL DEFAULT '';

UPDATE "Petition" SET "searchKey" = lower(translate("textNormalized", 'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĂăĐđĨĩŨũƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ', 'aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaddiiuuoouuaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy'));

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Petition_searchKey_trgm_idx" ON "Petition" USING gin ("searchKey" gin_trgm_ops);
