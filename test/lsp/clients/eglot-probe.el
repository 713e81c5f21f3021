;; Emacs (28+) with eglot as a third-party LSP client of the KLP Studio server.
;; Usage: KLP_LSP_CMD='["node","dist/cli.js","lsp","--stdio"]' emacs --batch -Q -l eglot-probe.el FILE.c
;; Prints "EGLOT-DIAG <type> <text>" per flymake diagnostic, then EGLOT-PASS (exit 0) or
;; EGLOT-TIMEOUT (exit 1). Waits for a diagnostic whose text contains KLP_WANT_CODE.
;; Debian's ELPA packages: -Q skips the site-start that would put them on the load-path.
(dolist (d (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*")) (add-to-list 'load-path d))
(require 'json)
(require 'eglot)
(let* ((cmd (append (json-read-from-string (getenv "KLP_LSP_CMD")) nil))
       (want (or (getenv "KLP_WANT_CODE") "KLP"))
       (file (expand-file-name (car command-line-args-left)))
       (buf (find-file-noselect file)))
  (setq command-line-args-left nil)
  (with-current-buffer buf
    (c-mode)
    ;; eglot-ensure waits for the command loop, which --batch lacks: connect directly.
    (eglot--connect '(c-mode) (cons 'transient (file-name-directory file)) 'eglot-lsp-server cmd "c")
    (flymake-start)
    (let ((deadline (+ (float-time) 25)) (found nil))
      (while (and (not found) (< (float-time) deadline))
        (accept-process-output nil 0.1)
        (when (eglot-current-server)
          (setq found (seq-some (lambda (d) (string-match-p (regexp-quote want) (flymake-diagnostic-text d)))
                                (flymake-diagnostics)))))
      (dolist (d (flymake-diagnostics))
        (princ (format "EGLOT-DIAG %s %s\n" (flymake-diagnostic-type d) (flymake-diagnostic-text d))))
      (princ (if found "EGLOT-PASS\n" "EGLOT-TIMEOUT\n"))
      (ignore-errors (eglot-shutdown (eglot-current-server)))
      (kill-emacs (if found 0 1)))))
