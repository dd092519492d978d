/* 70b000000039_topo_39.c - revision 39 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000039", "70b000000038", "topo 39");
TOPO_BODY(39)
