-- Pandoc Lua filter for the PDF (pandoc 2.17).
-- * drop `lang`: pandoc 2.17 + xelatex break on lang zh-CN (empty \babelprovide);
-- * bilingual divs become bookzh/booken environments, one after the other;
-- * headings and captions that carry both languages as spans read "中文 / English";
-- * preface: .html-only divs are dropped, .pdf-only divs kept (HTML hides them);
-- * tables of at most 8 rows get a \Needspace so they do not split across pages;
-- * figures: assets/x.svg -> assets/x.pdf (made by book/book.mk).

local function join_langs(inlines)
  local parts, other = {}, {}
  for _, el in ipairs(inlines) do
    if el.t == "Span" and el.attributes["lang"] then
      table.insert(parts, el.content)
    elseif el.t == "RawInline" and el.format == "html" then
      -- drop
    elseif not (el.t == "Space" and #parts > 0) then
      table.insert(other, el)
    end
  end
  if #parts < 2 then return nil end
  local out = pandoc.List()
  for _, el in ipairs(other) do if el.t ~= "Space" then out:insert(el) end end
  for i, p in ipairs(parts) do
    if i > 1 then out:insert(pandoc.Str(" / ")) end
    out:extend(p)
  end
  return out
end

local function Meta(m)
  m.lang = nil
  return m
end

local function Header(el)
  local c = join_langs(el.content)
  if c then el.content = c end
  return el
end

local outdir = (PANDOC_STATE.output_file or ""):match("^(.*)/[^/]*$") or "."

local function Image(el)
  el.src = el.src:gsub("%.svg$", ".pdf")
  local c = join_langs(el.caption)
  if c then el.caption = c end
  local f = io.open(outdir .. "/" .. el.src, "r")
  if f then
    f:close()
    return el
  end
  -- a figure without its source in assets/: say so on the page, keep building
  io.stderr:write("book: figure " .. el.src .. " is missing (no assets/ source); a placeholder is printed\n")
  return {pandoc.RawInline("latex", "\\fbox{\\parbox{0.8\\linewidth}{\\centering\\ttfamily missing figure: "
    .. el.src:gsub("[_#%%&$]", "\\%0") .. "}}")}
end

local function Span(el)
  if el.attributes["lang"] then
    el.attributes["lang"] = nil
    return el.content
  end
end

local function Div(el)
  -- the preface describes the HTML page and the printed page separately
  if el.classes:includes("html-only") then return {} end
  if el.classes:includes("pdf-only") then return el.content end
  local lang = el.attributes["lang"]
  if lang then
    el.attributes["lang"] = nil
    local env = lang:match("^zh") and "bookzh" or "booken"
    local out = pandoc.List({pandoc.RawBlock("latex", "\\begin{" .. env .. "}")})
    out:extend(el.content)
    out:insert(pandoc.RawBlock("latex", "\\end{" .. env .. "}"))
    return out
  end
end

-- short tables (longtable, breakable) are kept on one page: ask for room first
local SHORT_TABLE = 8
local function Table(el)
  local rows = 0
  if el.head and el.head.rows then rows = rows + #el.head.rows end
  for _, b in ipairs(el.bodies or {}) do
    rows = rows + #b.head + #b.body
  end
  if el.foot and el.foot.rows then rows = rows + #el.foot.rows end
  if rows == 0 or rows > SHORT_TABLE then return nil end
  local lines = math.floor(rows * 1.4 + 4 + 0.5)
  return {pandoc.RawBlock("latex", string.format("\\Needspace{%d\\baselineskip}", lines)), el}
end

-- a link to another HTML page of the book ("ch3.html#sec:x", "contract.html")
-- is a link inside the one PDF: to the label, or to the appendix's label
local function Link(el)
  local page, frag = el.target:match("^([%w-]+)%.html#(.+)$")
  if frag then
    el.target = "#" .. frag
  else
    page = el.target:match("^([%w-]+)%.html$")
    if page and page ~= "index" then el.target = "#" .. page end
  end
  return el
end

-- two passes: join the language spans of headings and captions before the
-- spans themselves are dissolved
return {
  {Meta = Meta, Header = Header, Image = Image, Table = Table, Link = Link},
  {Span = Span, Div = Div},
}
