"""Domain rules of the heritage programme, one module per feature; views call them."""
