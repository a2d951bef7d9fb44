# src/model/soap.mk — neighbour lists, radial basis, spherical harmonics, SOAP.
