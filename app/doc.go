// Package app is the heart of À petits pas: accounts, the sign-in state
// machine, passwords, multi-factor authentication, settings and the audit
// journal.
//
// # Who we defend against
//
// The office PC of a daycare is shared. The person we must stop sits at it:
// she may know or have watched someone's password, she can open a terminal,
// run apetitspas-admin, and open the database file with any SQLite tool.
// Many copies of the app and of the tool may run at once, in several
// Windows accounts or on several PCs sharing the file.
//
// So nothing she runs may hold the key or write the data. One service per
// computer (cmd/apetitspas-service), under an operating system account of
// its own, alone opens the database and the key and runs this package;
// the window and the tool are its clients over a local socket (a named
// pipe on Windows) and reach it through the API interface (api.go), never
// a Session. The service learns each client's OS account from the
// operating system (CallerOf), never from the client; sessions live in
// the service (local.go): a client holds an opaque token, bound to the OS
// account that signed in, and the idle lock and a sign-in's age are
// enforced there. What she can then do is ask, like anyone, through the
// rules; reading the key, forging an administrator's row or putting an
// older row back need files her account cannot open.
//
// Who is out of reach, plainly: the computer's administrators (root, an
// elevated Windows account) can stop the service and read its key; what
// they do with the break-glass operations is journaled with their name,
// and what they do to the files is detected (below), not prevented. A
// window started without a service (make run, --db FILE on a bare machine)
// runs this package in-process with the person's own OS account: the rules
// are then only as strong as that account, and administrators are told so.
//
// What holds against her:
//
//   - Making an administrator, resetting someone's AMF, changing the staff
//     policy or a role, and acting on another administrator's account need
//     an administrator whose own AMF is on and a current 6-digit code (or
//     one accepted in the same session less than 2 minutes before). The
//     tool asks for them like the app does; only the first setup (no
//     administrator yet) needs none.
//   - Nobody resets their own AMF; the emergency break-glass reset needs the
//     computer's administrator rights (root, or "Run as administrator"), a
//     real reason, and no other administrator with AMF who could do a normal
//     reset; it is journaled with the OS user's name and shown to the other
//     administrators until one of them acknowledges it.
//   - Ten wrong passwords or codes lock the account for 15 minutes, whatever
//     the number of processes guessing at once: each attempt is counted
//     before it is judged, in the write transaction that checks the lock.
//     Guessing the current password in Mon compte counts the same way.
//   - Rules of the form "at least one" (an enabled administrator remains)
//     and every read-then-write are checked inside one write transaction.
//   - A failed sign-in costs the same work whatever the reason, and what was
//     typed in the e-mail field is never stored (only a short keyed
//     fingerprint of it).
//   - The session's identity cannot be changed by a client: a Handle is a
//     token the service looks up; what the handle says of the account is
//     for drawing only, and every service reloads the account from storage.
//   - Which action applies to which account, whether it needs a code, and
//     why not (Actions, permissions.go) is the same table the services
//     enforce; a test walks every pair of actor and target.
//
// What we cannot prevent, we detect. Edits made to the file outside the app
// (UPDATE users SET mfa='off', DROP TRIGGER, rows deleted, rewritten,
// inserted or reordered in the journal, settings changed) break keyed MACs
// (see integrity.go) whose key is kept outside the file, in the operating
// system's key store or a key file only the owner can read. A changed
// account cannot sign in until an administrator has looked at it; the
// journal records the finding (audit.tampered, account.tampered), the
// administrators see a warning, and apetitspas-admin audit verify exits
// non-zero.
//
// What we do not defend against, plainly:
//
//   - Someone who can read the key store of the Windows or macOS account that
//     runs the app (that account itself, or an administrator of the
//     computer) holds the key: she can forge every MAC and open every TOTP
//     secret, so she can do anything. Protect that account with its own
//     password and lock the screen.
//   - Someone who replaces the whole file by an older copy of itself (with
//     its matching MACs) rolls everything back to that day; nothing inside
//     the file can tell. Backups must be kept where the office staff cannot
//     write.
//   - Someone who strips every MAC and the marker from the file makes it look
//     like a database of an older version: the app then seals it again, and
//     says so in the journal (integrity.sealed) and to every administrator
//     (IntegrityReport.SealedAt, "audit verify" fails) until one with AMF
//     on acknowledges it. What was changed before the new seals (an AMF
//     turned off) is then not told apart from the rest: it is detected,
//     not prevented.
//   - Someone with the computer's administrator rights can run the
//     break-glass reset: that is what it is for, and it is loud.
//   - Key files are checked for their permissions on Linux and macOS; on
//     Windows the key lives in the Credential Manager of the user's account.
//
// # How the package is built
//
// Every security rule is enforced here, so that neither a screen nor the
// command-line tool can bypass it. The package is pure Go: it imports neither
// Fyne nor any SQL driver. Storage is reached through the Store interface
// (implemented by package data) and time through an injected clock. Service
// holds what a signed-in person does (every method takes a Session and
// checks it); Trusted holds the few operations that trust their caller (the
// first setup, break-glass, the demo data, the tool's read-only listings)
// and only the programs in cmd/ build one.
//
// Errors returned to callers are *Error values carrying a Code and a stable
// Reason key; the faces (screens, command-line tool) turn the Reason into a
// French or English sentence. The domain never formats UI text.
package app
