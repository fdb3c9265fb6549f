#include "certificates/cbor.h"

#include <cbor.h>

#include <cmath>
#include <limits>
#include <memory>

#include "qr/token.h"

namespace kb::certificates {
namespace {

struct ItemDeleter {
  void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
using ItemPtr = std::unique_ptr<cbor_item_t, ItemDeleter>;

// A DCC nests six deep (CWT claims, hcert, certificate, entries, entry); the limit leaves room.
constexpr size_t kMaxDepth = 32;

Error malformed(std::string message) {
  return invalid("payload", "malformed_cbor", std::move(message));
}

// Definite strings have one buffer, indefinite ones a list of definite chunks.
std::string string_bytes(const cbor_item_t* item, bool text) {
  auto definite = [&](const cbor_item_t* s) {
    return text ? std::string(reinterpret_cast<const char*>(cbor_string_handle(s)),
                              cbor_string_length(s))
                : std::string(reinterpret_cast<const char*>(cbor_bytestring_handle(s)),
                              cbor_bytestring_length(s));
  };
  if (text ? cbor_string_is_definite(item) : cbor_bytestring_is_definite(item))
    return definite(item);
  std::string out;
  size_t n = text ? cbor_string_chunk_count(item) : cbor_bytestring_chunk_count(item);
  cbor_item_t** chunks =
      text ? cbor_string_chunks_handle(item) : cbor_bytestring_chunks_handle(item);
  for (size_t i = 0; i < n; ++i) out += definite(chunks[i]);
  return out;
}

Result<Cbor> from_item(const cbor_item_t* item) {
  Cbor v;
  switch (cbor_typeof(item)) {
    case CBOR_TYPE_UINT:
    case CBOR_TYPE_NEGINT: {
      uint64_t raw = cbor_get_int(item);
      if (raw > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return malformed("an integer is too large");
      v.type = Cbor::Type::kInteger;
      v.integer = cbor_isa_uint(item) ? static_cast<int64_t>(raw) : -1 - static_cast<int64_t>(raw);
      return v;
    }
    case CBOR_TYPE_BYTESTRING:
      v.type = Cbor::Type::kBytes;
      v.bytes = string_bytes(item, false);
      return v;
    case CBOR_TYPE_STRING:
      v.type = Cbor::Type::kText;
      v.bytes = string_bytes(item, true);
      return v;
    case CBOR_TYPE_ARRAY: {
      v.type = Cbor::Type::kArray;
      cbor_item_t** items = cbor_array_handle(item);
      for (size_t i = 0; i < cbor_array_size(item); ++i) {
        KB_ASSIGN(Cbor element, from_item(items[i]));
        v.items.push_back(std::move(element));
      }
      return v;
    }
    case CBOR_TYPE_MAP: {
      v.type = Cbor::Type::kMap;
      cbor_pair* pairs = cbor_map_handle(item);
      for (size_t i = 0; i < cbor_map_size(item); ++i) {
        KB_ASSIGN(Cbor key, from_item(pairs[i].key));
        KB_ASSIGN(Cbor value, from_item(pairs[i].value));
        v.entries.emplace_back(std::move(key), std::move(value));
      }
      return v;
    }
    case CBOR_TYPE_TAG: {
      uint64_t tag = cbor_tag_value(item);
      if (tag > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return malformed("a tag is too large");
      ItemPtr tagged(cbor_tag_item(item));  // a new reference
      KB_ASSIGN(Cbor inner, from_item(tagged.get()));
      return Cbor::tag_of(static_cast<int64_t>(tag), std::move(inner));
    }
    case CBOR_TYPE_FLOAT_CTRL:
      if (!cbor_float_ctrl_is_ctrl(item)) {
        v.type = Cbor::Type::kFloat;
        v.number = cbor_float_get_float(item);
        return v;
      }
      switch (cbor_ctrl_value(item)) {
        case CBOR_CTRL_FALSE:
        case CBOR_CTRL_TRUE:
          v.type = Cbor::Type::kBool;
          v.boolean = cbor_ctrl_value(item) == CBOR_CTRL_TRUE;
          return v;
        case CBOR_CTRL_NULL:
          v.type = Cbor::Type::kNull;
          return v;
        case CBOR_CTRL_UNDEF:
          v.type = Cbor::Type::kUndefined;
          return v;
        default:
          return malformed("an unassigned simple value");
      }
  }
  return malformed("an unknown CBOR type");
}

cbor_item_t* to_item(const Cbor& v) {
  switch (v.type) {
    case Cbor::Type::kInteger:
      return v.integer >= 0 ? cbor_build_uint64(static_cast<uint64_t>(v.integer))
                            : cbor_build_negint64(static_cast<uint64_t>(-1 - v.integer));
    case Cbor::Type::kBytes:
      return cbor_build_bytestring(reinterpret_cast<cbor_data>(v.bytes.data()), v.bytes.size());
    case Cbor::Type::kText:
      return cbor_build_stringn(v.bytes.data(), v.bytes.size());
    case Cbor::Type::kArray: {
      cbor_item_t* a = cbor_new_definite_array(v.items.size());
      for (const auto& element : v.items) cbor_array_push(a, cbor_move(to_item(element)));
      return a;
    }
    case Cbor::Type::kMap: {
      cbor_item_t* m = cbor_new_definite_map(v.entries.size());
      for (const auto& [key, value] : v.entries) {
        cbor_map_add(m, cbor_pair{cbor_move(to_item(key)), cbor_move(to_item(value))});
      }
      return m;
    }
    case Cbor::Type::kTag:
      return cbor_build_tag(static_cast<uint64_t>(v.integer), cbor_move(to_item(v.items.at(0))));
    case Cbor::Type::kBool:
      return cbor_build_bool(v.boolean);
    case Cbor::Type::kNull:
      return cbor_new_null();
    case Cbor::Type::kUndefined:
      return cbor_new_undef();
    case Cbor::Type::kFloat:
      return cbor_build_float8(v.number);
  }
  return cbor_new_null();
}

// Whether the items of `b` nest at most `limit` deep (a tag counts as a level) and no container
// announces more items than bytes are left. Checked before libcbor builds anything: libcbor
// accepts some two thousand levels, and its release, from_item and Cbor's destructor all recurse
// through them; a DCC needs six.
bool shallow_enough(std::string_view b, size_t limit) {
  std::vector<int64_t> open;  // items still due in each open container; -1: indefinite
  auto item_done = [&open] {
    while (!open.empty() && open.back() > 0) {
      if (--open.back() > 0) return;
      open.pop_back();
    }
  };
  size_t pos = 0;
  while (pos < b.size()) {
    auto head = static_cast<unsigned char>(b[pos++]);
    if (head == 0xFF) {  // the break of an indefinite container
      if (open.empty() || open.back() != -1) return false;
      open.pop_back();
      item_done();
      continue;
    }
    unsigned major = head >> 5;
    unsigned info = head & 0x1F;
    uint64_t arg = info;
    bool indefinite = info == 31;
    if (info >= 24 && info <= 27) {
      size_t len = size_t{1} << (info - 24);
      if (len > b.size() - pos) return false;
      arg = 0;
      for (size_t i = 0; i < len; ++i) arg = arg << 8 | static_cast<unsigned char>(b[pos + i]);
      pos += len;
    } else if (info >= 28 && info <= 30) {
      return false;
    }
    uint64_t left = b.size() - pos;
    switch (major) {
      case 2:
      case 3:
        if (indefinite) {
          open.push_back(-1);
        } else {
          if (arg > left) return false;
          pos += arg;
          item_done();
        }
        break;
      case 4:
      case 5:
        if (indefinite) {
          open.push_back(-1);
        } else if (arg == 0) {
          item_done();
        } else {
          if (arg > left) return false;
          open.push_back(static_cast<int64_t>(major == 5 ? 2 * arg : arg));
        }
        break;
      case 6:
        open.push_back(1);
        break;
      default:  // integers, simple values and floats
        if (major == 7 && indefinite) return false;
        item_done();
        break;
    }
    if (open.size() > limit) return false;
  }
  return open.empty();
}

}  // namespace

Cbor Cbor::integer_of(int64_t v) {
  Cbor c;
  c.type = Type::kInteger;
  c.integer = v;
  return c;
}
Cbor Cbor::bytes_of(std::string v) {
  Cbor c;
  c.type = Type::kBytes;
  c.bytes = std::move(v);
  return c;
}
Cbor Cbor::text_of(std::string v) {
  Cbor c;
  c.type = Type::kText;
  c.bytes = std::move(v);
  return c;
}
Cbor Cbor::array_of(std::vector<Cbor> v) {
  Cbor c;
  c.type = Type::kArray;
  c.items = std::move(v);
  return c;
}
Cbor Cbor::map_of(CborMap v) {
  Cbor c;
  c.type = Type::kMap;
  c.entries = std::move(v);
  return c;
}
Cbor Cbor::tag_of(int64_t tag, Cbor item) {
  Cbor c;
  c.type = Type::kTag;
  c.integer = tag;
  c.items.push_back(std::move(item));
  return c;
}

const Cbor* Cbor::find(int64_t key) const {
  if (type != Type::kMap) return nullptr;
  for (const auto& [k, v] : entries) {
    if (k.type == Type::kInteger && k.integer == key) return &v;
  }
  return nullptr;
}

const Cbor* Cbor::find(std::string_view key) const {
  if (type != Type::kMap) return nullptr;
  for (const auto& [k, v] : entries) {
    if (k.type == Type::kText && k.bytes == key) return &v;
  }
  return nullptr;
}

const Cbor& Cbor::untagged() const {
  const Cbor* c = this;
  while (c->type == Type::kTag && !c->items.empty()) c = &c->items[0];
  return *c;
}

Result<Cbor> cbor_decode(std::string_view bytes) {
  // libcbor 0.8 (Debian 12) refuses the one-byte tag heads 6 to 20 (0xC6–0xD4) as unassigned,
  // COSE_Sign1's tag 18 among them (fixed upstream in 0.11). The tags in front of the item
  // are therefore read here, and libcbor reads what they tag.
  std::vector<int64_t> tags;
  size_t pos = 0;
  while (pos < bytes.size() && (static_cast<unsigned char>(bytes[pos]) >> 5) == 6) {
    unsigned info = static_cast<unsigned char>(bytes[pos]) & 0x1F;
    ++pos;
    uint64_t tag = info;
    if (info >= 24) {
      if (info > 27) return malformed("a tag has a reserved length");
      size_t len = size_t{1} << (info - 24);
      if (pos + len > bytes.size()) return malformed("a tag is cut short");
      tag = 0;
      for (size_t i = 0; i < len; ++i) tag = tag << 8 | static_cast<unsigned char>(bytes[pos + i]);
      pos += len;
    }
    if (tag > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return malformed("a tag is too large");
    tags.push_back(static_cast<int64_t>(tag));
  }
  if (tags.size() > kMaxDepth) return malformed("the CBOR items nest too deeply");
  bytes.remove_prefix(pos);
  if (bytes.empty()) return malformed("no CBOR data");
  if (!shallow_enough(bytes, kMaxDepth))
    return malformed("the CBOR items nest too deeply or are cut short");
  cbor_load_result result{};
  ItemPtr item(cbor_load(reinterpret_cast<cbor_data>(bytes.data()), bytes.size(), &result));
  if (!item || result.error.code != CBOR_ERR_NONE)
    return malformed("the data is not well-formed CBOR");
  if (result.read != bytes.size()) return malformed("bytes follow the CBOR item");
  KB_ASSIGN(Cbor value, from_item(item.get()));
  for (auto it = tags.rbegin(); it != tags.rend(); ++it)
    value = Cbor::tag_of(*it, std::move(value));
  return value;
}

std::string cbor_encode(const Cbor& value) {
  ItemPtr item(to_item(value));
  unsigned char* buffer = nullptr;
  size_t buffer_size = 0;
  size_t length = cbor_serialize_alloc(item.get(), &buffer, &buffer_size);
  std::string out(reinterpret_cast<const char*>(buffer), length);
  free(buffer);
  return out;
}

boost::json::value cbor_to_json(const Cbor& value) {
  const Cbor& v = value.untagged();
  switch (v.type) {
    case Cbor::Type::kInteger:
      return v.integer;
    case Cbor::Type::kBytes:
      return boost::json::value(qr::base64url_encode(v.bytes));
    case Cbor::Type::kText:
      return boost::json::value(v.bytes);
    case Cbor::Type::kArray: {
      boost::json::array a;
      for (const auto& element : v.items) a.push_back(cbor_to_json(element));
      return a;
    }
    case Cbor::Type::kMap: {
      boost::json::object o;
      for (const auto& [key, item] : v.entries) {
        const Cbor& k = key.untagged();
        std::string name = k.type == Cbor::Type::kText      ? k.bytes
                           : k.type == Cbor::Type::kInteger ? std::to_string(k.integer)
                                                            : std::string("?");
        o[name] = cbor_to_json(item);
      }
      return o;
    }
    case Cbor::Type::kBool:
      return v.boolean;
    case Cbor::Type::kFloat:
      if (std::isfinite(v.number) && std::floor(v.number) == v.number &&
          std::fabs(v.number) < 9e15) {
        return static_cast<int64_t>(v.number);
      }
      return v.number;
    case Cbor::Type::kTag:
    case Cbor::Type::kNull:
    case Cbor::Type::kUndefined:
      break;
  }
  return nullptr;
}

}  // namespace kb::certificates
