package assets

import (
	apetitspas "github.com/apetitspas/apetitspas/app"
)

// ImportRead is the sentence saying how an import file was read, such as
// "Fichier lu : séparateur point-virgule, encodage Windows-1252, en-têtes
// en français.", in the language text gives (text(key, data) is the
// sentence of key in the translation tables); "" when the file was not
// read. Both faces, screens and command-line tool, use it.
func ImportRead(c apetitspas.ImportCheck, text func(key string, data map[string]any) string) string {
	if c.Separator == "" || c.Encoding == "" {
		return ""
	}
	sep := "import.sep_comma"
	if c.Separator == ";" {
		sep = "import.sep_semicolon"
	}
	enc := map[string]string{
		apetitspas.EncodingUTF8:        "import.enc_utf8",
		apetitspas.EncodingUTF8BOM:     "import.enc_utf8_bom",
		apetitspas.EncodingWindows1252: "import.enc_windows1252",
	}[c.Encoding]
	if enc == "" {
		return ""
	}
	data := map[string]any{"Separator": text(sep, nil), "Encoding": text(enc, nil)}
	headers := map[string]string{
		apetitspas.HeadersFrench:  "import.headers_fr",
		apetitspas.HeadersEnglish: "import.headers_en",
		apetitspas.HeadersMixed:   "import.headers_mixed",
		apetitspas.HeadersNone:    "import.headers_none",
	}[c.HeaderLanguage]
	if headers == "" { // the header line is what is wrong: a problem says so
		return text("import.read_short", data)
	}
	data["Headers"] = text(headers, nil)
	return text("import.read", data)
}
