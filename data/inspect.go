package data

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/apetitspas/apetitspas/app"
)

// sqliteMagic starts every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// Offsets in the 100-byte database header (https://sqlite.org/fileformat.html).
const (
	hdrPageSize    = 16 // uint16, 1 means 65536
	hdrUserVersion = 60 // uint32
	hdrAppID       = 68 // uint32
	hdrSize        = 100
	// Page 1 holds the b-tree of sqlite_master right after the header.
	btreeType  = hdrSize     // 0x0D: leaf table page, 0x05: interior
	btreeCells = hdrSize + 3 // uint16: number of cells
)

// inspect decides, without modifying anything, whether the file at path
// may be opened. It reports whether the file exists; a missing or empty
// file is a new database.
//
// The header is read by hand. Only when a non-empty -wal file sits next
// to the database (the app did not close it) may the header be out of
// date; then SQLite reads the file in read-only mode.
func inspect(path string) (exists bool, err error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, unavailable(app.ReasonDBUnreadable, path, err)
	case fi.IsDir():
		return false, unavailable(app.ReasonDBUnreadable, path, errors.New("data: the database path is a folder"))
	case fi.Size() == 0:
		return true, nil
	}

	f, err := os.Open(path)
	if err != nil {
		return true, unavailable(app.ReasonDBUnreadable, path, err)
	}
	defer f.Close()
	var h [btreeCells + 2]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return true, unavailable(app.ReasonDBCorrupt, path, errors.New("data: file too short to be a database"))
		}
		return true, unavailable(app.ReasonDBUnreadable, path, err)
	}
	if string(h[:len(sqliteMagic)]) != sqliteMagic {
		return true, unavailable(app.ReasonDBCorrupt, path, errors.New("data: not a SQLite database"))
	}
	if ps := binary.BigEndian.Uint16(h[hdrPageSize:]); ps != 1 && (ps < 512 || ps&(ps-1) != 0) {
		return true, unavailable(app.ReasonDBCorrupt, path, fmt.Errorf("data: invalid page size %d", ps))
	}

	if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
		return true, inspectWithSQLite(path)
	}

	var objects int
	switch h[btreeType] {
	case 0x0D:
		objects = int(binary.BigEndian.Uint16(h[btreeCells:]))
	case 0x05:
		objects = 1 // an interior page: many objects
	default:
		return true, unavailable(app.ReasonDBCorrupt, path, fmt.Errorf("data: invalid schema page type %#x", h[btreeType]))
	}
	_, err = judge(path,
		binary.BigEndian.Uint32(h[hdrAppID:]),
		binary.BigEndian.Uint32(h[hdrUserVersion:]),
		objects)
	return true, err
}

// inspectWithSQLite checks the database through a read-only SQLite
// connection, which also reads the -wal file.
func inspectWithSQLite(path string) error {
	db, err := sql.Open(driverName, fileURI(path)+"?mode=ro")
	if err != nil {
		return unavailable(app.ReasonDBUnreadable, path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	id, version, objects, err := readIdentity(context.Background(), db)
	if err != nil {
		reason := app.ReasonDBUnreadable
		if r := sqliteReason(err); r == app.ReasonDBCorrupt {
			reason = r
		}
		return unavailable(reason, path, err)
	}
	_, err = judge(path, id, version, objects)
	return err
}

// judge decides from a database's application_id, user_version and
// number of schema objects whether it is ours, and returns its schema
// version (0 for an empty database).
func judge(path string, appID, version uint32, objects int) (int, error) {
	if appID != ApplicationID {
		if appID != 0 || objects > 0 || version != 0 {
			return 0, unavailable(app.ReasonDBForeign, path,
				fmt.Errorf("data: application_id %#x, %d schema objects, user_version %d: not an apetitspas database",
					appID, objects, version))
		}
		return 0, nil
	}
	if version > SchemaVersion {
		return 0, unavailable(app.ReasonDBTooNew,
			fmt.Sprintf("%s: schema version %d, this version of the app knows up to %d", path, version, SchemaVersion),
			nil)
	}
	return int(version), nil
}
