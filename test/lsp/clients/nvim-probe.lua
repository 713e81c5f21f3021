-- Headless Neovim (0.7+) as a third-party LSP client of the KLP Studio server.
-- Usage: KLP_LSP_CMD='["node","dist/cli.js","lsp","--stdio"]' nvim --headless -u nvim-probe.lua FILE.c
-- Prints one JSON line per diagnostic ("DIAG {...}"), the hover text of KLP_HOVER_LINE/COL
-- ("HOVER ..."), then NVIM-PASS (exit 0) or NVIM-TIMEOUT (exit 1).
local cmd = vim.fn.json_decode(os.getenv('KLP_LSP_CMD'))
local want = os.getenv('KLP_WANT_CODE') or 'KLP'
local out = function(s) io.stdout:write(s .. '\n') end
local client_id

vim.api.nvim_create_autocmd('FileType', { pattern = 'c', callback = function(ev)
  client_id = client_id or vim.lsp.start_client({ name = 'klp-studio', cmd = cmd, root_dir = vim.fn.getcwd() })
  vim.lsp.buf_attach_client(ev.buf, client_id)
end })

local function code_of(d)
  if d.code then return tostring(d.code) end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code and tostring(lsp.code) or ''
end

vim.defer_fn(function()
  local ok = vim.wait(20000, function()
    for _, d in ipairs(vim.diagnostic.get(0)) do
      if code_of(d):find(want, 1, true) then return true end
    end
    return false
  end, 50)
  for _, d in ipairs(vim.diagnostic.get(0)) do
    out('DIAG ' .. vim.fn.json_encode({ lnum = d.lnum, col = d.col, severity = d.severity, source = d.source, code = code_of(d), message = d.message }))
  end
  local line, col = tonumber(os.getenv('KLP_HOVER_LINE') or ''), tonumber(os.getenv('KLP_HOVER_COL') or '')
  if ok and line then
    local res = vim.lsp.buf_request_sync(0, 'textDocument/hover', {
      textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = line, character = col } }, 10000)
    for _, r in pairs(res or {}) do
      if r.result and r.result.contents then
        out('HOVER ' .. vim.fn.json_encode(r.result.contents.value or r.result.contents))
      end
    end
  end
  out(ok and 'NVIM-PASS' or 'NVIM-TIMEOUT')
  vim.lsp.stop_client(vim.lsp.get_active_clients())
  vim.wait(2000, function() return #vim.lsp.get_active_clients() == 0 end, 50)
  vim.cmd(ok and 'qa!' or 'cq')
end, 0)
