// Boost.JSON and Boost.URL compiled into the fuzz targets from their sources (header-only
// mode), so that the fuzzer's coverage reaches inside the JSON and URL parsers too.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
