// bundle-jszmq.js: prints jszmq and every module it requires as one script
// for a browser page, which then finds the library at window.jszmq. jszmq
// is CommonJS; this follows require() calls from its main file through
// node_modules, honouring package.json's "browser" field as browser
// bundlers do, so the page needs no network and no bundler package.
//
// Usage: node bundle-jszmq.js > jszmq.bundle.js
"use strict"

const fs = require("fs")
const path = require("path")

const root = path.join(__dirname, "node_modules")

function isFile(p) {
  try {
    return fs.statSync(p).isFile()
  } catch (e) {
    return false
  }
}

function asFile(p) {
  for (const c of [p, p + ".js", p + ".json", path.join(p, "index.js")]) {
    if (isFile(c)) return c
  }
  return null
}

// packageOf returns the directory and package.json of the package a file
// belongs to.
function packageOf(file) {
  for (let dir = path.dirname(file); dir.startsWith(root); dir = path.dirname(dir)) {
    const pj = path.join(dir, "package.json")
    if (isFile(pj)) return {dir, pkg: JSON.parse(fs.readFileSync(pj, "utf8"))}
  }
  return null
}

// browserFile applies a package's "browser" map to one of its files: the
// file to use instead, or false for an empty module.
function browserFile(file) {
  const p = packageOf(file)
  if (!p || typeof p.pkg.browser !== "object") return file
  const rel = "./" + path.relative(p.dir, file).split(path.sep).join("/")
  for (const key of [rel, rel.replace(/\.js$/, "")]) {
    if (key in p.pkg.browser) {
      const to = p.pkg.browser[key]
      return to === false ? false : asFile(path.join(p.dir, to))
    }
  }
  return file
}

function packageMain(dir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))
  const main = typeof pkg.browser === "string" ? pkg.browser : pkg.main || "index.js"
  return asFile(path.join(dir, main))
}

// resolve finds what require(request) from file loads: a file, false for
// an empty module, or null when there is none (a Node built-in jszmq only
// uses on the server side).
function resolve(request, from) {
  if (request.startsWith(".") || request.startsWith("/")) {
    const f = asFile(path.resolve(path.dirname(from), request))
    return f && browserFile(f)
  }
  const parts = request.split("/")
  const name = request.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]
  const rest = parts.slice(request.startsWith("@") ? 2 : 1).filter((p) => p !== "")
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, "node_modules", name)
    if (isFile(path.join(pkgDir, "package.json"))) {
      const f = rest.length ? asFile(path.join(pkgDir, ...rest)) : packageMain(pkgDir)
      return f && browserFile(f)
    }
    if (dir === path.dirname(dir)) return null
  }
}

const ids = new Map()
const modules = []

function add(file) {
  if (ids.has(file)) return ids.get(file)
  const id = modules.length
  ids.set(file, id)
  const entry = {code: fs.readFileSync(file, "utf8"), deps: {}}
  modules.push(entry)
  if (file.endsWith(".json")) {
    entry.code = "module.exports = " + entry.code
    return id
  }
  const re = /require\(\s*['"]([^'"]+)['"]\s*\)/g
  let m
  while ((m = re.exec(entry.code)) !== null) {
    const target = resolve(m[1], file)
    entry.deps[m[1]] = target ? add(target) : -1
  }
  return id
}

const main = add(packageMain(path.join(root, "jszmq")))
const out = []
out.push("(function () {")
out.push("var global = window;")
out.push("var process = {env: {}, browser: true, version: '', versions: {}, argv: [], nextTick: function (f) { var a = Array.prototype.slice.call(arguments, 1); Promise.resolve().then(function () { f.apply(null, a) }) }};")
out.push("var defs = [")
for (const m of modules) {
  out.push("[function (module, exports, require) {\n" + m.code + "\n}, " + JSON.stringify(m.deps) + "],")
}
out.push("];")
out.push("var cache = {};")
out.push("function load(id) {")
out.push("  if (id < 0) return {};")
out.push("  if (cache[id]) return cache[id].exports;")
out.push("  var module = cache[id] = {exports: {}};")
out.push("  var def = defs[id];")
out.push("  def[0].call(module.exports, module, module.exports, function (name) { return load(name in def[1] ? def[1][name] : -1) });")
out.push("  return module.exports;")
out.push("}")
out.push("window.jszmq = load(" + main + ");")
out.push("})();")
process.stdout.write(out.join("\n") + "\n")
