-- SPDX-License-Identifier: MIT
-- Lab check of cmap's nmap library (tests/lab/test_nse_nmaplib.py): prints
-- the host and port tables and what the nmap.* queries answer, in a form
-- that compares between nmap and cmap (sorted keys, number subtypes).
local nmap = require "nmap"

description = "Prints the host and port tables and nmap.* answers (cmap lab test)."
categories = {"safe"}

local function ser(v, ind)
  ind = ind or ""
  if type(v) == "table" then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local out = {}
    for _, k in ipairs(keys) do
      out[#out + 1] = ind .. "  " .. tostring(k) .. " = " .. ser(v[k], ind .. "  ")
    end
    return "{\n" .. table.concat(out, "\n") .. "\n" .. ind .. "}"
  elseif type(v) == "number" then
    return math.type(v) .. ":" .. tostring(v)
  elseif type(v) == "string" then
    return ("%q"):format(v)
  end
  return type(v) .. ":" .. tostring(v)
end

local function emit(tag, v)
  print(tag .. " " .. ser(v) .. "\nEND " .. tag)
end

prerule = function() return true end
hostrule = function(host) return true end
portrule = function(host, port) return true end

action = function(host, port)
  if not host then
    local l = nmap.list_interfaces()
    table.sort(l, function(a, b) return a.device .. a.address < b.device .. b.address end)
    emit("IFACES", l)
    emit("IFLO", {nmap.get_interface_info("lo")})
    return
  end
  if port then
    local p = {}
    for k, v in pairs(port) do p[k] = v end
    if p.version and p.version.service_fp then
      -- the fingerprint carries the scan's date and time
      p.version.service_fp = p.version.service_fp:gsub("Time=%x+", "Time=T"):gsub("D=%d+/%d+", "D=D")
    end
    emit("PORT-" .. port.protocol .. "-" .. port.number, p)
    return
  end
  local h = {}
  for k, v in pairs(host) do h[k] = v end
  h._Target = type(h._Target)
  h.registry = type(h.registry)
  h.times = {srtt = math.type(h.times.srtt), rttvar = math.type(h.times.rttvar),
             timeout = math.type(h.times.timeout), positive = h.times.timeout > 0}
  emit("HOST", h)
  emit("IFACE", {nmap.get_interface_info(host.interface)})
  emit("NOIFACE", {nmap.get_interface_info("cmapnosuch0")})
  emit("DNS", nmap.get_dns_servers())
  local f1, f2, f3 = nmap.fetchfile("nmap-services"), nmap.fetchfile("nselib"),
    nmap.fetchfile("nselib/stdnse.lua")
  emit("FETCH", {f1 and f1:match("[^/]*$"), f2, f3 and f3:match("[^/]*/[^/]*$")})
  emit("RESOLVE", {{nmap.resolve("localhost", "inet")}, {nmap.resolve(host.ip, "inet6")},
    {nmap.resolve(host.ip)}})
  emit("MISC", {nmap.is_privileged(), nmap.get_ttl(), nmap.get_payload_length(), nmap.have_ssl(),
    nmap.get_interface(), nmap.port_is_excluded(9100, "tcp"), nmap.port_is_excluded(9100, "udp"),
    nmap.add_targets(), nmap.new_targets_num(), nmap.verbosity(), nmap.debugging(),
    nmap.timing_level(), nmap.version_intensity(), nmap.address_family(),
    select("#", nmap.get_port_state(host, {number = 1, protocol = "tcp"})),
    pcall(nmap.get_port_state, {ip = "198.18.3.3"}, {number = 1, protocol = "tcp"})})
  emit("CLOCK", {math.type(nmap.clock_ms()), nmap.clock_ms() % 1 == 0, math.type(nmap.clock())})
  local walk = {}
  for _, st in ipairs({"open", "closed", "filtered"}) do
    local p = nmap.get_ports(host, nil, "tcp", st)
    while p do
      walk[#walk + 1] = st .. ":" .. p.number
      p = nmap.get_ports(host, p, "tcp", st)
    end
  end
  emit("WALK", walk)
end
