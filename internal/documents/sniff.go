package documents

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/cyberaid/cyberaid/internal/model"
)

// The content types a document may have. Anything else — programs,
// archives, HTML, SVG, XML, scripts — is refused: a file is served as it was
// sniffed, and none of these can run in a reader's browser.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeGIF  = "image/gif"
	TypeWebP = "image/webp"
	TypeText = "text/plain; charset=utf-8"
	TypeCSV  = "text/csv; charset=utf-8"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	TypeODT  = "application/vnd.oasis.opendocument.text"
	TypeODS  = "application/vnd.oasis.opendocument.spreadsheet"
)

// textSample is how much of a text file is checked for being text.
const textSample = 64 << 10

// Sniff decides a file's content type from its bytes, never from its name
// or what the client claims; the name only tells CSV from other text. A
// type off the allow-list is a 422 naming the field "file".
func Sniff(name string, content io.ReaderAt, size int64) (string, error) {
	head := make([]byte, min(size, 512))
	if _, err := content.ReadAt(head, 0); err != nil && err != io.EOF {
		return "", err
	}
	detected := http.DetectContentType(head)
	switch detected {
	case TypePDF, TypePNG, TypeJPEG, TypeGIF, TypeWebP:
		return detected, nil
	case "application/zip":
		return office(content, size)
	case TypeText:
		return text(name, content, size)
	}
	return "", refused(detected)
}

func refused(detected string) error {
	what := strings.TrimSuffix(detected, "; charset=utf-8")
	return model.Broken("file", "document_type_refused",
		"files of type %s are not accepted; attach a PDF, a PNG, JPEG, GIF or WebP image, an office document (docx, xlsx, pptx, odt, ods), plain text or CSV", what)
}

// office tells the office formats apart by the parts their zip container
// holds; any other zip archive is refused.
func office(content io.ReaderAt, size int64) (string, error) {
	z, err := zip.NewReader(content, size)
	if err != nil {
		return "", refused("application/zip")
	}
	has := map[string]*zip.File{}
	for _, f := range z.File {
		has[f.Name] = f
	}
	if _, ok := has["[Content_Types].xml"]; ok {
		switch {
		case has["word/document.xml"] != nil:
			return TypeDOCX, nil
		case has["xl/workbook.xml"] != nil:
			return TypeXLSX, nil
		case has["ppt/presentation.xml"] != nil:
			return TypePPTX, nil
		}
	}
	if f := has["mimetype"]; f != nil && f.UncompressedSize64 < 128 {
		r, err := f.Open()
		if err == nil {
			b, _ := io.ReadAll(io.LimitReader(r, 128))
			r.Close()
			switch string(bytes.TrimSpace(b)) {
			case TypeODT:
				return TypeODT, nil
			case TypeODS:
				return TypeODS, nil
			}
		}
	}
	return "", refused("application/zip")
}

// text accepts UTF-8 text that is not markup: a file opening with a tag
// (HTML, SVG, XML) is refused whatever the sniffer made of it.
func text(name string, content io.ReaderAt, size int64) (string, error) {
	sample := make([]byte, min(size, textSample))
	if _, err := content.ReadAt(sample, 0); err != nil && err != io.EOF {
		return "", err
	}
	if int64(len(sample)) < size {
		// A rune cut at the sample's end is not an encoding error.
		for i := 0; i < utf8.UTFMax && len(sample) > 0 && !utf8.Valid(sample); i++ {
			sample = sample[:len(sample)-1]
		}
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(sample, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case !utf8.Valid(sample) || bytes.IndexByte(sample, 0) >= 0:
		return "", refused("application/octet-stream")
	case bytes.HasPrefix(trimmed, []byte("<")):
		return "", refused("text/markup")
	}
	if strings.EqualFold(path.Ext(name), ".csv") {
		return TypeCSV, nil
	}
	return TypeText, nil
}
